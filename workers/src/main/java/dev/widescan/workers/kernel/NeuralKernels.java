package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Matrix;

/**
 * Entry point: the infinite-width NNGP and NTK of a network on a train and a test set, following
 * neural-tangents' conventions (input kernel K₀ = x·x'/d, Θ₀ = 0; layers as in {@link Layers}).
 */
public final class NeuralKernels {
  private NeuralKernels() {}

  /**
   * All six kernel blocks of a fully-connected network. The two symmetric blocks are computed on
   * their upper triangles; the test × train block's variances come from the same arithmetic as the
   * other two blocks' diagonals, so the three agree to the last bit on what they share.
   *
   * @param xTrain n × d, one example per row
   * @param xTest m × d
   */
  public static KernelBlocks fc(FcArchitecture arch, Matrix xTrain, Matrix xTest) {
    return compute(arch.network(), xTrain, xTest);
  }

  /** All six kernel blocks of any kernel-space network. */
  public static KernelBlocks compute(Layer network, Matrix xTrain, Matrix xTest) {
    if (xTrain.cols() != xTest.cols()) {
      throw new IllegalArgumentException(
          "train inputs are "
              + xTrain.shape()
              + " but test inputs are "
              + xTest.shape()
              + "; they need the same feature count");
    }
    KernelState trainTrain = network.apply(KernelState.ofInputs(xTrain));
    KernelState testTest = network.apply(KernelState.ofInputs(xTest));
    KernelState testTrain = network.apply(KernelState.ofInputs(xTest, xTrain));
    return new KernelBlocks(
        trainTrain.nngp(),
        testTrain.nngp(),
        testTest.nngp(),
        trainTrain.ntk(),
        testTrain.ntk(),
        testTest.ntk());
  }
}
