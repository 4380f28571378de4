package dev.widescan.workers.finite;

import static dev.widescan.workers.finite.FiniteFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleTest {
  @Test
  void ensembleMeanIsCloserToTheNtkFlowThanItsMembers() {
    int d = 16;
    Matrix xTrain = FiniteFixtures.sphere(16, d, 1);
    Matrix xTest = FiniteFixtures.sphere(8, d, 2);
    Matrix y = FiniteFixtures.sphere(16, 2, 3);
    KernelBlocks k =
        NeuralKernels.fc(
            new FcArchitecture(1, Activation.RELU, Math.sqrt(2), 0.1, Parameterization.NTK, 0),
            xTrain,
            xTest);
    double lr = 1.0;
    int steps = 100;
    Matrix flow =
        KernelRegression.ntk(
                k.ntkTrainTrain(), k.ntkTestTrain(), y, new double[] {0}, new double[] {lr * steps})
            .get(0)
            .mean();
    FcSpec spec =
        new FcSpec(d, 128, 1, 2, Activation.RELU, Parameterization.NTK, Math.sqrt(2), 0.1);
    Ensemble ensemble =
        Ensemble.train(
            spec,
            TrainingConfig.sgd(lr, Budget.steps(steps)),
            new long[] {1, 2, 3, 4, 5, 6, 7, 8},
            new Examples(xTrain, y, null),
            new Examples(xTest, flow, null));
    double members = 0;
    for (TrainingRun r : ensemble.members()) {
      members += relativeError(r.testPredictions().orElseThrow(), flow) / ensemble.size();
    }
    double mean = relativeError(ensemble.meanTestPredictions().orElseThrow(), flow);
    System.out.printf(
        "ensemble of 8 uncentred width-128 nets: member error %.4f, ensemble error %.4f%n",
        members, mean);
    // the members carry f₀ (variance O(1), not shrinking with width); averaging 8 removes most of
    // it
    assertTrue(mean < 0.5 * members, "ensemble " + mean + ", members " + members);
    assertEquals(
        ensemble.evaluate(new Examples(xTest, flow, null)).orElseThrow().mse(),
        dev.widescan.workers.infer.Metrics.mse(ensemble.meanTestPredictions().orElseThrow(), flow),
        0.0);
  }

  @Test
  void meanAveragesElementwise() {
    Matrix a = Matrix.of(new double[][] {{1, 2}, {3, 4}});
    Matrix b = Matrix.of(new double[][] {{3, 2}, {1, 0}});
    assertArrayEquals(new double[] {2, 2, 2, 2}, Ensemble.mean(List.of(a, b)).data());
  }
}
