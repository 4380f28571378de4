package dev.widescan.workers.compute;

import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.unit.ArchitectureSpec;

/** How a unit's architecture becomes the network its runner computes. */
final class UnitArchitectures {
  private UnitArchitectures() {}

  /**
   * The kernel-space network of a unit's architecture on its data: the fused dense chain of a
   * fully-connected one (as before layer lists), or a convolutional network for the data's image
   * shape. Width null (the infinite-width limit) is 0 there.
   */
  static Layer network(ArchitectureSpec a, Dataset data) {
    if (a.layers() == null) {
      return architecture(a).network();
    }
    return NeuralKernels.network(
        a.toArchitecture(),
        Parameterization.parse(a.parameterization()),
        a.width() == null ? 0 : a.width(),
        data.shape());
  }

  static void requireFullyConnected(ArchitectureSpec a, String what) {
    if (a.layers() != null) {
      throw new IllegalArgumentException(
          what
              + " is built for family fc only so far; "
              + a.layers()
              + " has kernel units only (finite convolutional networks are not available yet)");
    }
  }

  /** The kernel engine's architecture; width null (the infinite-width limit) is 0 there. */
  static FcArchitecture architecture(ArchitectureSpec a) {
    return new FcArchitecture(
        a.depth(),
        Activation.parse(a.activation()),
        a.wStd(),
        a.bStd(),
        Parameterization.parse(a.parameterization()),
        a.width() == null ? 0 : a.width());
  }

  /**
   * The finite fully-connected network of a unit's architecture on {@code data}, with {@code
   * outputs} readout units.
   */
  static FcSpec fcSpec(ArchitectureSpec a, Dataset data, int outputs, String what) {
    requireFullyConnected(a, what);
    return new FcSpec(
        data.xTrain().cols(),
        a.width(),
        a.depth(),
        outputs,
        Activation.parse(a.activation()),
        Parameterization.parse(a.parameterization()),
        a.wStd(),
        a.bStd());
  }
}
