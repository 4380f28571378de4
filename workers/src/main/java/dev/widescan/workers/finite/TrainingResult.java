package dev.widescan.workers.finite;

/**
 * What {@link SgdTrainer#train} produced.
 *
 * @param network the trained network (a copy; the initial network is unchanged)
 * @param trainLossPerEpoch the data loss Σ (f − y)² / (2·n·k) on the whole training set after each
 *     epoch, without the weight-decay term
 */
public record TrainingResult(FcNetwork network, double[] trainLossPerEpoch) {}
