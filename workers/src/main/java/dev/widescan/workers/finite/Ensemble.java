package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * K networks that differ only in their seed (initialization and shuffles alike), whose mean
 * prediction is scored as a model of its own. As K grows the mean loses the random initial
 * function's variance and approaches the infinite-width NTK prediction (Lee et al. 2020, §3;
 * "ensembles of finite nets converging to the kernel").
 *
 * @param members the runs, in seed order
 */
public record Ensemble(List<TrainingRun> members) {
  public Ensemble {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one member");
    }
    members = List.copyOf(members);
  }

  /**
   * Trains one network per seed: member i is {@code FcNetwork.initialize(spec, seeds[i])} trained
   * with {@code config.withSeed(seeds[i])}.
   */
  public static Ensemble train(
      FcSpec spec, TrainingConfig config, long[] seeds, Examples train, Examples test) {
    List<TrainingRun> runs = new ArrayList<>(seeds.length);
    for (long seed : seeds) {
      runs.add(new SgdTrainer(config.withSeed(seed)).run(spec, seed, train, test));
    }
    return new Ensemble(runs);
  }

  public int size() {
    return members.size();
  }

  /** The first member that diverged, if any; an ensemble with one is not scored. */
  public Optional<TrainingRun> firstDiverged() {
    return members.stream().filter(TrainingRun::diverged).findFirst();
  }

  /**
   * The mean over members of their {@link TrainingRun#testPredictions()} (centred ones for centred
   * runs); empty if a member diverged or has no test predictions.
   */
  public Optional<Matrix> meanTestPredictions() {
    List<Matrix> predictions = new ArrayList<>(members.size());
    for (TrainingRun run : members) {
      Optional<Matrix> p = run.testPredictions();
      if (p.isEmpty()) {
        return Optional.empty();
      }
      predictions.add(p.get());
    }
    return Optional.of(mean(predictions));
  }

  /** The ensemble's scores on the test set its members were given; empty as above. */
  public Optional<Evaluation> evaluate(Examples test) {
    return meanTestPredictions().map(m -> Evaluation.of(m, test, members.get(0).config().loss()));
  }

  /** The elementwise mean of equally shaped matrices. */
  public static Matrix mean(List<Matrix> predictions) {
    if (predictions.isEmpty()) {
      throw new IllegalArgumentException("the mean of no predictions is undefined");
    }
    Matrix first = predictions.get(0);
    Matrix sum = Matrix.zeros(first.rows(), first.cols());
    double[] s = sum.data();
    for (Matrix p : predictions) {
      if (p.rows() != first.rows() || p.cols() != first.cols()) {
        throw new IllegalArgumentException(
            "can't average predictions of shapes " + first.shape() + " and " + p.shape());
      }
      double[] d = p.data();
      for (int i = 0; i < s.length; i++) {
        s[i] += d[i];
      }
    }
    double inv = 1.0 / predictions.size();
    for (int i = 0; i < s.length; i++) {
      s[i] *= inv;
    }
    return sum;
  }
}
