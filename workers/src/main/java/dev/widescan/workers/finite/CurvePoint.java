package dev.widescan.workers.finite;

/**
 * One point of a training curve, measured on whole sets after {@code step} optimizer steps (step 0
 * is the initial network). Losses are data losses without the weight-decay term. Entries that were
 * not measured (no test set, no labels) are NaN.
 *
 * @param step optimizer steps taken
 * @param time gradient-flow time t = learning rate × step
 * @param trainLoss loss on the whole training set
 * @param trainAccuracy accuracy on the training set
 * @param testLoss loss on the test set
 * @param testAccuracy accuracy on the test set
 */
public record CurvePoint(
    long step,
    double time,
    double trainLoss,
    double trainAccuracy,
    double testLoss,
    double testAccuracy) {}
