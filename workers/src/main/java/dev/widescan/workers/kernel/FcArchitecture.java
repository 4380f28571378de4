package dev.widescan.workers.kernel;

import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully-connected network: {@code depth} hidden layers Dense → activation, then a Dense readout,
 * every Dense with the same W_std and b_std. {@code depth = 0} is a single Dense layer (a linear
 * model, whose NNGP is W_std²·x·x'/d + b_std²).
 *
 * @param depth the number of hidden Dense → activation layers, ≥ 0
 * @param width the hidden layers' finite width N, or 0 for the infinite-width limit. The kernels
 *     depend on it only in the standard parameterization (Θ ← N·K + …), which therefore needs it;
 *     in the NTK parameterization every width gives the same kernels.
 */
public record FcArchitecture(
    int depth,
    Activation activation,
    double wStd,
    double bStd,
    Parameterization parameterization,
    int width) {

  public FcArchitecture {
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be non-negative, got " + depth);
    }
    if (activation == null || parameterization == null) {
      throw new IllegalArgumentException("activation and parameterization must be given");
    }
    if (width < 0) {
      throw new IllegalArgumentException("width must be positive, or 0 for infinite, got " + width);
    }
    if (width == 0 && depth > 0 && parameterization == Parameterization.STANDARD) {
      throw new IllegalArgumentException(
          "the standard-parameterization NTK depends on the hidden width (Θ ← N·K + 1 + W²Θ);"
              + " give a finite width, not 0 (infinite)");
    }
    // Fails now, not when the network is first applied.
    Layers.activation(activation);
    Layers.dense(wStd, bStd, parameterization, width);
  }

  /**
   * The kernel-space network {@code serial(Dense, act, …, Dense, act, Dense)}; the first Dense
   * takes its input width (d) from the input state.
   */
  public Layer network() {
    List<Layer> layers = new ArrayList<>(2 * depth + 1);
    for (int i = 0; i < depth; i++) {
      layers.add(Layers.dense(wStd, bStd, parameterization, i == 0 ? 0 : width));
      layers.add(Layers.activation(activation));
    }
    layers.add(Layers.dense(wStd, bStd, parameterization, depth == 0 ? 0 : width));
    return Layers.serial(layers.toArray(Layer[]::new));
  }
}
