package dev.widescan.orchestrator.sweep;

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

  public record Model(
      String family,
      List<String> activation,
      List<Integer> depth,
      List<Double> wStd,
      List<Double> bStd) {}

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
