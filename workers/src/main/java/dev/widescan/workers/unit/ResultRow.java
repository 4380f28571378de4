package dev.widescan.workers.unit;

import java.io.Serializable;

/**
 * One evaluated model: a kernel predictor at one (diag_reg, t) or one trained finite network. Axes
 * that do not apply to the model are null, and so are the test metrics of a run that diverged
 * ({@code divergedAtStep} and {@code note} say where and why). {@code rowKey} identifies the row
 * within its unit so a retried unit overwrites rather than duplicates.
 */
public record ResultRow(
    String rowKey,
    String model,
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    Training training,
    Double diagReg,
    Double t,
    Double testAccuracy,
    Double testMse,
    Double trainLoss,
    Double kernelError,
    Double testVariance)
    implements Serializable {

  public ResultRow(
      String rowKey,
      String model,
      DatasetSpec dataset,
      ArchitectureSpec architecture,
      Training training,
      Double diagReg,
      Double t,
      Double testAccuracy,
      Double testMse,
      Double trainLoss) {
    this(
        rowKey,
        model,
        dataset,
        architecture,
        training,
        diagReg,
        t,
        testAccuracy,
        testMse,
        trainLoss,
        null,
        null);
  }

  /** How a finite network was trained and how the run ended. */
  public record Training(
      String loss,
      double lr,
      double momentum,
      double weightDecay,
      String weightDecayMode,
      boolean centred,
      int epochs,
      long steps,
      int batchSize,
      Integer seed,
      Long divergedAtStep,
      String note,
      double trainSeconds)
      implements Serializable {}
}
