package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Matrix;

/**
 * The NNGP and NTK blocks a kernel-regression prediction needs: train × train (n × n), test × train
 * (m × n) and test × test (m × m).
 */
public record KernelBlocks(
    Matrix nngpTrainTrain,
    Matrix nngpTestTrain,
    Matrix nngpTestTest,
    Matrix ntkTrainTrain,
    Matrix ntkTestTrain,
    Matrix ntkTestTest) {}
