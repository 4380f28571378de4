package dev.widescan.workers.finite;

import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;

/**
 * The shape of a fully-connected network, as neural-tangents would write it: {@code
 * serial(Dense(width, W_std, b_std), act) × depth, Dense(outputs, W_std, b_std)}, every Dense layer
 * in the same {@link Parameterization}.
 *
 * @param inputs input dimension d
 * @param width hidden width N (unused when depth is 0)
 * @param depth number of hidden layers (0: a linear model of the inputs)
 * @param outputs readout units k
 * @param activation nonlinearity after each hidden Dense layer
 * @param parameterization how weights are scaled
 * @param wStd weight standard deviation W_std (σ_w)
 * @param bStd bias standard deviation b_std (σ_b)
 */
public record FcSpec(
    int inputs,
    int width,
    int depth,
    int outputs,
    Activation activation,
    Parameterization parameterization,
    double wStd,
    double bStd) {
  public FcSpec {
    if (inputs < 1 || outputs < 1 || depth < 0 || (depth > 0 && width < 1)) {
      throw new IllegalArgumentException(
          "need inputs, outputs ≥ 1, depth ≥ 0 and width ≥ 1 for hidden layers; got inputs="
              + inputs
              + ", width="
              + width
              + ", depth="
              + depth
              + ", outputs="
              + outputs);
    }
    if (!(wStd >= 0) || !(bStd >= 0) || Double.isInfinite(wStd) || Double.isInfinite(bStd)) {
      throw new IllegalArgumentException(
          "W_std and b_std must be finite and non-negative, got " + wStd + " and " + bStd);
    }
    if (activation == null || parameterization == null) {
      throw new IllegalArgumentException("activation and parameterization are required");
    }
  }

  /** Input width of Dense layer {@code l} (0 = first, {@code depth} = readout). */
  public int fanIn(int layer) {
    return layer == 0 ? inputs : width;
  }

  /** Output width of Dense layer {@code l}. */
  public int fanOut(int layer) {
    return layer == depth ? outputs : width;
  }
}
