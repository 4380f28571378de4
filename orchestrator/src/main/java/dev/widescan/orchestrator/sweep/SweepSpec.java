package dev.widescan.orchestrator.sweep;

import java.util.List;
import java.util.Optional;

/**
 * A validated sweep: every list is one axis of the grid. The kernel side is computed once per
 * (train size, activation, depth, W_std, b_std); the finite side once per point of the full grid.
 *
 * @param targetShift subtracted from one-hot targets (0.1 centres ten classes, as in the paper)
 */
public record SweepSpec(
    String name,
    Dataset dataset,
    Model model,
    Optional<Kernel> kernel,
    Optional<Finite> finite,
    double targetShift) {

  public record Dataset(String name, List<Integer> train, int test, String preprocess) {}

  public record Model(
      String family,
      List<String> activation,
      List<Integer> depth,
      List<Double> wStd,
      List<Double> bStd) {}

  public record Kernel(List<String> kinds, List<Double> diagReg, List<String> t) {}

  public record Finite(
      List<Integer> width,
      List<String> parameterization,
      List<Double> lr,
      List<Double> weightDecay,
      double momentum,
      int epochs,
      int batchSize,
      List<Integer> seeds) {}
}
