package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Matrix;

/**
 * The NNGP and NTK blocks a kernel-regression prediction needs: train × train (n × n), test × train
 * (m × n), test × test (m × m; null when only its diagonal was asked for, see {@link TestBlock})
 * and the test × test diagonal (length m, always present, equal to the full block's diagonal bit
 * for bit).
 */
public record KernelBlocks(
    Matrix nngpTrainTrain,
    Matrix nngpTestTrain,
    Matrix nngpTestTest,
    Matrix ntkTrainTrain,
    Matrix ntkTestTrain,
    Matrix ntkTestTest,
    double[] nngpTestDiagonal,
    double[] ntkTestDiagonal) {

  /** All six blocks; the diagonals are taken from the test × test blocks. */
  public KernelBlocks(
      Matrix nngpTrainTrain,
      Matrix nngpTestTrain,
      Matrix nngpTestTest,
      Matrix ntkTrainTrain,
      Matrix ntkTestTrain,
      Matrix ntkTestTest) {
    this(
        nngpTrainTrain,
        nngpTestTrain,
        nngpTestTest,
        ntkTrainTrain,
        ntkTestTrain,
        ntkTestTest,
        nngpTestTest.diagonal(),
        ntkTestTest.diagonal());
  }
}
