package dev.widescan.workers.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
  private static final int D = 12;
  private static final int K = 4;
  private static Examples train;
  private static Examples test;
  private static int blasThreads;

  @BeforeAll
  static void data() {
    blasThreads = Blas.threads();
    Blas.setThreads(1);
    // labels from a random linear teacher, so the classes are learnable
    Matrix teacher = FiniteFixtures.sphere(D, K, 99);
    train = teacherExamples(FiniteFixtures.sphere(64, D, 1), teacher);
    test = teacherExamples(FiniteFixtures.sphere(32, D, 2), teacher);
  }

  @AfterAll
  static void restoreThreads() {
    Blas.setThreads(blasThreads);
  }

  private static Examples teacherExamples(Matrix x, Matrix teacher) {
    Matrix scores = Blas.multiply(x, teacher);
    int[] labels = new int[x.rows()];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 1; c < K; c++) {
        if (scores.get(i, c) > scores.get(i, labels[i])) {
          labels[i] = c;
        }
      }
    }
    return Examples.classification(x, labels, K, 1.0 / K);
  }

  private static final FcSpec SPEC =
      new FcSpec(D, 64, 2, K, Activation.RELU, Parameterization.NTK, Math.sqrt(2), 0.1);

  @Test
  void sameSeedsGiveTheSameRunBitForBit() {
    FcSpec std = new FcSpec(D, 48, 2, K, Activation.ERF, Parameterization.STANDARD, 1.3, 0.2);
    TrainingConfig config =
        TrainingConfig.sgd(0.5, Budget.epochs(3))
            .withMomentum(0.9)
            .withWeightDecay(1e-4, WeightDecay.NTK_EQUIVALENT)
            .withBatchSize(10)
            .withSeed(3)
            .withCentred(true)
            .withCurveEvery(5);
    TrainingRun a = new SgdTrainer(config).run(std, 4, train, test);
    TrainingRun b = new SgdTrainer(config).run(std, 4, train, test);
    assertFalse(a.diverged());
    assertEquals(3 * 7, a.steps());
    assertEquals(a.curve(), b.curve());
    assertArrayEquals(a.network().flatParameters(), b.network().flatParameters());
    assertArrayEquals(
        a.testPredictions().orElseThrow().data(), b.testPredictions().orElseThrow().data());
    TrainingRun otherShuffle = new SgdTrainer(config.withSeed(5)).run(std, 4, train, test);
    assertFalse(
        java.util.Arrays.equals(
            a.network().flatParameters(), otherShuffle.network().flatParameters()));
    TrainingRun otherInit = new SgdTrainer(config).run(std, 5, train, test);
    // a centred run starts from g₀ = 0 whatever the seed, so compare where it ends
    assertEquals(a.curve().get(0), otherInit.curve().get(0));
    assertFalse(a.last().equals(otherInit.last()));
  }

  @Test
  void epochAndStepBudgetsOfTheSameLengthAreTheSameRun() {
    TrainingConfig epochs = TrainingConfig.sgd(1.0, Budget.epochs(2)).withBatchSize(20).withSeed(1);
    TrainingConfig steps = epochs.withCurveEvery(0);
    steps =
        new TrainingConfig(
            steps.loss(),
            1.0,
            0,
            0,
            WeightDecay.PLAIN,
            Budget.steps(8),
            20,
            1,
            false,
            0,
            TrainingConfig.DEFAULT_DIVERGENCE_FACTOR);
    TrainingRun a = new SgdTrainer(epochs).run(SPEC, 1, train, test);
    TrainingRun b = new SgdTrainer(steps).run(SPEC, 1, train, test);
    assertEquals(8, a.steps());
    assertArrayEquals(a.network().flatParameters(), b.network().flatParameters());
  }

  @Test
  void curveIsRecordedEveryKStepsWithItsTime() {
    TrainingConfig config = TrainingConfig.sgd(2.0, Budget.steps(25)).withCurveEvery(10);
    TrainingRun run = new SgdTrainer(config).run(SPEC, 2, train, test);
    List<CurvePoint> curve = run.curve();
    assertEquals(List.of(0L, 10L, 20L, 25L), curve.stream().map(CurvePoint::step).toList());
    assertEquals(50.0, run.last().time());
    for (int i = 1; i < curve.size(); i++) {
      assertTrue(curve.get(i).trainLoss() < curve.get(i - 1).trainLoss(), "full-batch GD " + curve);
    }
    // the final point and the test evaluation describe the same network
    Evaluation e = run.test().orElseThrow();
    assertEquals(run.last().testLoss(), e.loss(), 1e-15);
    assertEquals(run.last().testAccuracy(), e.accuracy());
    assertEquals(Metrics.accuracy(run.network().apply(test.x()), test.labels()), e.accuracy());
    assertEquals(2 * e.loss(), e.mse(), 1e-15);
    assertTrue(run.trainSeconds() > 0 && run.wallSeconds() >= run.trainSeconds());
  }

  @Test
  void hugeLearningRateEndsTheRunAsDivergedInsteadOfThrowing() {
    FcSpec erf = new FcSpec(D, 32, 1, K, Activation.ERF, Parameterization.NTK, 1.0, 0.1);
    TrainingConfig config = TrainingConfig.sgd(1e6, Budget.epochs(50)).withBatchSize(16);
    TrainingRun run = new SgdTrainer(config).run(erf, 1, train, test);
    assertTrue(run.diverged());
    Divergence d = run.divergence().orElseThrow();
    assertEquals(run.steps(), d.step());
    assertTrue(d.step() >= 1 && d.step() < 200, "step " + d.step());
    assertTrue(
        d.reason().startsWith("diverged at step " + d.step() + " of 200: loss = "), d.reason());
    assertTrue(d.reason().contains("at learning rate 1000000.0"), d.reason());
    assertTrue(run.testPredictions().isEmpty());
    assertTrue(run.test().isEmpty());
    assertEquals(0, run.curve().get(0).step());
  }

  @Test
  void lossBlowUpPastTheFactorIsADivergenceBeforeItOverflows() {
    // a linear model: GD multiplies the error along Θ's top eigenvector by (1 − η·λ_max/(n·k)),
    // here −5, so the loss grows 25× a step
    FcSpec linear = new FcSpec(D, 1, 0, K, Activation.IDENTITY, Parameterization.NTK, 1.0, 0.0);
    FcNetwork net = FcNetwork.initialize(linear, 1);
    double lambdaMax = Blas.eigh(EmpiricalKernels.ntk(net, train.x(), train.x())).maxValue();
    double lr = 6 * train.size() * K / lambdaMax;
    TrainingRun run =
        new SgdTrainer(TrainingConfig.sgd(lr, Budget.steps(100)).withDivergenceFactor(10))
            .run(net, train, null);
    Divergence d = run.divergence().orElseThrow();
    assertTrue(Double.isFinite(d.loss()));
    assertTrue(d.step() <= 3, d.reason());
    assertTrue(d.reason().contains("(above 10.0 × max(initial loss "), d.reason());
  }

  @Test
  void crossEntropyTrainsAClassifier() {
    Examples ceTrain = Examples.classification(train.x(), train.labels(), K, 0.0);
    Examples ceTest = Examples.classification(test.x(), test.labels(), K, 0.0);
    TrainingRun run =
        new SgdTrainer(
                TrainingConfig.sgd(1.0, Budget.epochs(30))
                    .withLoss(Loss.CROSS_ENTROPY)
                    .withBatchSize(16)
                    .withMomentum(0.9))
            .run(SPEC, 3, ceTrain, ceTest);
    CurvePoint first = run.curve().get(0);
    // measured: loss 1.39 → 0.0062, train accuracy 0.30 → 1.0, test accuracy 0.84
    assertEquals(Math.log(K), first.trainLoss(), 0.3, "near log k at initialization");
    assertTrue(run.last().trainLoss() < 0.05, "final loss " + run.last());
    assertEquals(1.0, run.last().trainAccuracy());
    assertTrue(run.test().orElseThrow().accuracy() > 0.7, "test " + run.test());
  }

  @Test
  void crossEntropyRejectsShiftedTargets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SgdTrainer(TrainingConfig.sgd(1, Budget.steps(1)).withLoss(Loss.CROSS_ENTROPY))
                    .run(SPEC, 1, train, null));
    assertEquals(
        "cross-entropy needs training targets that are probability rows (one-hot with shift 0);"
            + " row 0 sums to 0.0 and has a negative entry",
        e.getMessage());
  }

  @Test
  void centredRunStartsFromTheZeroFunction() {
    TrainingRun run =
        new SgdTrainer(TrainingConfig.sgd(1, Budget.steps(0)).withCentred(true))
            .run(SPEC, 1, train, test);
    for (double v : run.testPredictions().orElseThrow().data()) {
      assertEquals(0.0, v);
    }
    double yy = 0;
    for (double v : train.y().data()) {
      yy += v * v;
    }
    assertEquals(yy / (2.0 * train.size() * K), run.curve().get(0).trainLoss(), 1e-15);
    // a plain run predicts f₀ itself
    TrainingRun plain =
        new SgdTrainer(TrainingConfig.sgd(1, Budget.steps(0))).run(SPEC, 1, train, test);
    assertArrayEquals(
        FcNetwork.initialize(SPEC, 1).apply(test.x()).data(),
        plain.testPredictions().orElseThrow().data());
  }

  @Test
  void ntkEquivalentDecayIsPlainDecayOfTheNtkParameterizedTwin() {
    // W = (W_std/√N_in)·ω, b = b_std·β: the standard network computes the NTK network's function
    FcSpec ntkSpec = new FcSpec(D, 9, 2, K, Activation.ERF, Parameterization.NTK, 1.3, 0.2);
    FcSpec stdSpec = new FcSpec(D, 9, 2, K, Activation.ERF, Parameterization.STANDARD, 1.3, 0.2);
    FcNetwork ntk = FcNetwork.initialize(ntkSpec, 5);
    FcNetwork std = FcNetwork.initialize(stdSpec, 6);
    double[][] from = ntk.parameterBlocks();
    double[][] to = std.parameterBlocks();
    for (int b = 0; b < from.length; b++) {
      double s = b % 2 == 0 ? 1.3 / Math.sqrt(ntkSpec.fanIn(b / 2)) : 0.2;
      for (int i = 0; i < from[b].length; i++) {
        to[b][i] = s * from[b][i];
      }
    }
    assertArrayEquals(ntk.apply(test.x()).data(), std.apply(test.x()).data(), 1e-13);
    double lambda = 3e-3;
    double plainOnNtk = WeightDecay.PLAIN.penalty(ntk, lambda);
    assertEquals(plainOnNtk, WeightDecay.NTK_EQUIVALENT.penalty(ntk, lambda), 0.0);
    assertEquals(plainOnNtk, WeightDecay.NTK_EQUIVALENT.penalty(std, lambda), 1e-14 * plainOnNtk);
    assertTrue(Math.abs(WeightDecay.PLAIN.penalty(std, lambda) - plainOnNtk) > 0.5 * plainOnNtk);
  }

  @Test
  void ntkEquivalentDecayShrinksEachStandardLayerByItsOwnFactor() {
    // targets = f₀(X), so ∂L/∂θ = 0 at the first step and one step only decays: θ₁ = (1 − η·c)·θ₀
    FcSpec std = new FcSpec(D, 9, 2, K, Activation.RELU, Parameterization.STANDARD, 1.5, 0.5);
    FcNetwork initial = FcNetwork.initialize(std, 2);
    Examples exact = new Examples(train.x(), initial.apply(train.x()), null);
    double lr = 0.1;
    double lambda = 1e-3;
    TrainingRun run =
        new SgdTrainer(
                TrainingConfig.sgd(lr, Budget.steps(1))
                    .withWeightDecay(lambda, WeightDecay.NTK_EQUIVALENT))
            .run(initial, exact, null);
    double[][] before = initial.parameterBlocks();
    double[][] after = run.network().parameterBlocks();
    for (int b = 0; b < before.length; b++) {
      double c = b % 2 == 0 ? lambda * std.fanIn(b / 2) / (1.5 * 1.5) : lambda / (0.5 * 0.5);
      for (int i = 0; i < before[b].length; i++) {
        assertEquals((1 - lr * c) * before[b][i], after[b][i], 1e-15, "block " + b);
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WeightDecay.NTK_EQUIVALENT.coefficients(
                    new FcSpec(D, 9, 1, K, Activation.RELU, Parameterization.STANDARD, 1.5, 0.0),
                    1e-3));
    assertTrue(e.getMessage().contains("needs W_std, b_std > 0; got W_std=1.5, b_std=0.0"));
  }
}
