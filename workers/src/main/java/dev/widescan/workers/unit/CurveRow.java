package dev.widescan.workers.unit;

import java.io.Serializable;

/**
 * One measured point of a finite network's training: after {@code step} optimizer steps, at time t
 * = lr × step. Test values are null where they were not measured.
 */
public record CurveRow(
    long step,
    double t,
    double trainLoss,
    double trainAccuracy,
    Double testLoss,
    Double testAccuracy)
    implements Serializable {}
