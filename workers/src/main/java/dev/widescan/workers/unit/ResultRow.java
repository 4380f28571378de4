package dev.widescan.workers.unit;

import java.io.Serializable;

/**
 * One evaluated model: a kernel predictor at one (diag_reg, t) or one trained finite network. Axes
 * that do not apply to the model are null. {@code rowKey} identifies the row within its unit so a
 * retried unit overwrites rather than duplicates.
 */
public record ResultRow(
    String rowKey,
    String model,
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    Double lr,
    Double weightDecay,
    Integer epochs,
    Integer batchSize,
    Integer seed,
    Double diagReg,
    Double t,
    double testAccuracy,
    double testMse,
    Double trainLoss)
    implements Serializable {}
