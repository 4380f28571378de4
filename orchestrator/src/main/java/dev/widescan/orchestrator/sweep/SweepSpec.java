package dev.widescan.orchestrator.sweep;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.LayerTerm;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.nn.Activation;
import java.util.List;
import java.util.Optional;

/**
 * A validated sweep: every list is one axis of the grid. The kernel side is computed once per
 * (train size, activation, depth, W_std, b_std); the finite side once per point of the full grid.
 */
public record SweepSpec(
    String name,
    Dataset dataset,
    Model model,
    Optional<Kernel> kernel,
    Optional<Finite> finite,
    Optional<Empirical> empirical) {

  /**
   * Empirical kernels of finite networks at these widths (Novak et al. 2019), used for the kernel
   * section's predictions.
   *
   * @param samples initializations averaged for the NNGP estimate
   * @param seeds initializations, one unit each
   */
  public record Empirical(
      List<Integer> width, List<String> parameterization, int samples, List<Integer> seeds) {}

  /**
   * @param preprocess a {@code Preprocessing} id: standardize, scale, none, feature-standardize,
   *     zca:eps=ε
   * @param subset a {@code Subset} id: first, random:seed=s, stratified:seed=s
   * @param targets a {@code Targets} id: centred (one-hot − 1/k), one-hot, plus-minus-one
   */
  public record Dataset(
      String name,
      List<Integer> train,
      int test,
      String preprocess,
      String subset,
      String targets) {}

  /**
   * The architectures: a shorthand ({@code fc}, {@code cnn}, {@code myrtle}) over its axes, or
   * explicit layer lists ({@code family = layers}). Axes that do not apply to the family are empty.
   *
   * @param layers for {@code family = layers}: one list of layer terms per architecture
   */
  public record Model(
      String family,
      List<String> activation,
      List<Integer> depth,
      List<Double> wStd,
      List<Double> bStd,
      List<String> readout,
      List<Integer> filter,
      List<String> padding,
      List<List<String>> layers) {

    /** A fully-connected model (the only family before layer lists). */
    public Model(
        String family,
        List<String> activation,
        List<Integer> depth,
        List<Double> wStd,
        List<Double> bStd) {
      this(family, activation, depth, wStd, bStd, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * One architecture of the grid, as units and results carry it.
     *
     * @param layers the canonical layer list, or null for a fully-connected network (whose units
     *     keep the hashes they had before layer lists)
     */
    public record Point(
        String family, String activation, int depth, double wStd, double bStd, String layers) {}

    /** Every architecture of the grid, in a stable order. */
    public List<Point> points() {
      List<Point> out = new java.util.ArrayList<>();
      if (family.equals("fc")) {
        for (String act : activation) {
          for (int d : depth) {
            for (double w : wStd) {
              for (double b : bStd) {
                out.add(new Point(family, act, d, w, b, null));
              }
            }
          }
        }
        return out;
      }
      for (double w : wStd) {
        for (double b : bStd) {
          switch (family) {
            case "layers" -> {
              for (List<String> terms : layers) {
                Architecture a = Architecture.parse(terms, w, b);
                String act =
                    a.layers().stream()
                        .filter(t -> t instanceof LayerTerm.Act)
                        .map(t -> ((LayerTerm.Act) t).activation().id())
                        .findFirst()
                        .orElse("identity");
                out.add(new Point(family, act, a.weightedLayers() - 1, w, b, a.canonical()));
              }
            }
            case "cnn" -> {
              for (String act : activation) {
                for (int d : depth) {
                  for (String r : readout) {
                    for (int f : filter) {
                      for (String p : padding) {
                        Architecture a =
                            Architecture.cnn(
                                d,
                                Activation.parse(act),
                                f,
                                Padding.parse(p),
                                Architecture.Readout.parse(r),
                                w,
                                b);
                        out.add(new Point(family, act, d, w, b, a.canonical()));
                      }
                    }
                  }
                }
              }
            }
            case "myrtle" -> {
              for (String act : activation) {
                for (int d : depth) {
                  Architecture a = Architecture.myrtle(d, Activation.parse(act), w, b);
                  out.add(new Point(family, act, d, w, b, a.canonical()));
                }
              }
            }
            default -> throw new IllegalStateException("unknown family " + family);
          }
        }
      }
      return out;
    }

    /** How many architectures {@link #points()} gives, without building them. */
    public long count() {
      long weights = (long) wStd.size() * bStd.size();
      return switch (family) {
        case "layers" -> weights * layers.size();
        case "cnn" ->
            weights
                * activation.size()
                * depth.size()
                * readout.size()
                * filter.size()
                * padding.size();
        default -> weights * activation.size() * depth.size();
      };
    }
  }

  /**
   * @param parameterization ntk and/or standard; defaults to the finite side's parameterizations
   * @param width the finite input widths a standard-parameterization NTK is computed for (it
   *     depends on them); defaults to the finite side's widths
   * @param variance also compute the NNGP posterior variance of every test point
   * @param tileSize examples per side of a kernel tile: a kernel on more training examples is
   *     computed in tiles; null = never
   */
  public record Kernel(
      List<String> kinds,
      List<Double> diagReg,
      List<String> t,
      List<String> parameterization,
      List<Integer> width,
      boolean variance,
      Integer tileSize) {

    /** The architectures' (parameterization, width) pairs; width null where it does not matter. */
    public List<java.util.Map.Entry<String, Integer>> variants() {
      List<java.util.Map.Entry<String, Integer>> out = new java.util.ArrayList<>();
      for (String p : parameterization) {
        if (p.equals("standard")) {
          width.forEach(w -> out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(p, w)));
        } else {
          out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(p, null));
        }
      }
      return out;
    }
  }

  /**
   * @param loss mse or cross-entropy, an axis
   * @param centred whether to train f − f₀ (the paper's centring), an axis of booleans
   * @param weightDecayMode plain or ntk-equivalent
   * @param epochs training length in epochs, or 0 when {@code steps} is given
   * @param steps training length in optimizer steps, or 0
   * @param curveEvery steps between points of the training curve; 0 = once per epoch
   * @param ensemble also evaluate the mean prediction over the seeds as its own result
   */
  public record Finite(
      List<Integer> width,
      List<String> parameterization,
      List<Double> lr,
      List<Double> weightDecay,
      List<String> loss,
      List<Boolean> centred,
      String weightDecayMode,
      double momentum,
      int epochs,
      long steps,
      int batchSize,
      List<Integer> seeds,
      long curveEvery,
      boolean ensemble) {}
}
