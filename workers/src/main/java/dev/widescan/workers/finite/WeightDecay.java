package dev.widescan.workers.finite;

import dev.widescan.workers.nn.Parameterization;
import java.util.Locale;

/**
 * How the L2 coefficient λ is spread over a network's parameter blocks. Training adds the gradient
 * of the penalty R(θ) = Σ_blocks (c_block/2)·‖θ_block‖² to the data gradient.
 *
 * <p>Why two modes: in NTK parameterization a layer computes (W_std/√N_in)·ω·x + b_std·β with ω, β
 * ~ N(0, 1); the same function in standard parameterization has W = (W_std/√N_in)·ω and b =
 * b_std·β. Plain L2 on the NTK parameters therefore reads, in standard parameters,
 *
 * <pre>
 *   (λ/2)·(‖ω‖² + ‖β‖²) = (λ/2)·( (N_in/W_std²)·‖W‖² + (1/b_std²)·‖b‖² )       per layer,
 * </pre>
 *
 * a layer-wise scaled decay. Lee et al. 2020 ("Finite Versus Infinite Neural Networks: an Empirical
 * Study", NeurIPS 2020, the section on improving weight decay for the standard parameterization)
 * propose exactly this scaling for standard-parameterized networks and find it generalizes better
 * than plain L2. Note that it makes the two parameterizations' regularized objectives, and hence
 * their minimizers, correspond; their gradient-descent trajectories still differ, since the same
 * learning rate is a different step size per layer in each.
 */
public enum WeightDecay {
  /** c = λ for every weight and bias block, in either parameterization. */
  PLAIN,
  /**
   * c = λ in NTK parameterization; in standard parameterization c = λ·N_in/W_std² for the weights
   * of a layer with input width N_in and c = λ/b_std² for its bias, so that the penalty equals
   * plain L2 on the equivalent NTK-parameterized network. Needs W_std, b_std &gt; 0 in standard
   * parameterization when λ &gt; 0 (with b_std = 0 the NTK-parameterized bias is inert and has no
   * finite equivalent).
   */
  NTK_EQUIVALENT;

  /**
   * The coefficient c of every block of {@link FcNetwork#parameterBlocks()} (W_0, b_0, …).
   *
   * @throws IllegalArgumentException for NTK_EQUIVALENT decay λ &gt; 0 in standard parameterization
   *     with W_std or b_std equal to 0
   */
  public double[] coefficients(FcSpec spec, double lambda) {
    int layers = spec.depth() + 1;
    double[] c = new double[2 * layers];
    boolean scaled =
        this == NTK_EQUIVALENT
            && spec.parameterization() == Parameterization.STANDARD
            && lambda != 0;
    if (scaled && (spec.wStd() == 0 || spec.bStd() == 0)) {
      throw new IllegalArgumentException(
          "NTK-equivalent weight decay in standard parameterization scales the penalty by"
              + " N_in/W_std² and 1/b_std², so it needs W_std, b_std > 0; got W_std="
              + spec.wStd()
              + ", b_std="
              + spec.bStd()
              + " (use plain weight decay or a positive b_std)");
    }
    for (int l = 0; l < layers; l++) {
      c[2 * l] = scaled ? lambda * spec.fanIn(l) / (spec.wStd() * spec.wStd()) : lambda;
      c[2 * l + 1] = scaled ? lambda / (spec.bStd() * spec.bStd()) : lambda;
    }
    return c;
  }

  /** The penalty R(θ) = Σ_blocks (c_block/2)·‖θ_block‖² of a network's current parameters. */
  public double penalty(FcNetwork network, double lambda) {
    double[] c = coefficients(network.spec(), lambda);
    double[][] blocks = network.parameterBlocks();
    double r = 0;
    for (int b = 0; b < blocks.length; b++) {
      double s = 0;
      for (double v : blocks[b]) {
        s += v * v;
      }
      r += c[b] / 2 * s;
    }
    return r;
  }

  /** Parses {@code plain} or {@code ntk_equivalent} (case-insensitive; {@code -} for {@code _}). */
  public static WeightDecay parse(String name) {
    for (WeightDecay w : values()) {
      if (w.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown weight-decay mode '" + name + "', expected plain or ntk_equivalent");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
