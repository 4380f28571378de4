package dev.widescan.workers.finite;

import static dev.widescan.workers.finite.FiniteFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import org.junit.jupiter.api.Test;

/**
 * The linearization result (Lee et al. 2019, "Wide Neural Networks of Any Depth Evolve as Linear
 * Models Under Gradient Descent"): a wide NTK-parameterized network trained by full-batch gradient
 * descent on MSE for s steps at a small learning rate η predicts what NTK gradient flow predicts at
 * t = η·s. The network is centred (g = f − f₀, so g₀ = 0 like the flow's mean-zero f₀); what is
 * left is the finite-width error of the NTK at initialization and of its drift, both ~ 1/√width.
 */
class LinearizationTest {
  private static final int D = 16;
  private static final int N = 16;
  private static final int M = 8;
  private static final int K = 2;
  private static final int DEPTH = 1;
  private static final int STEPS = 100;

  @Test
  void wideNetworkTrainedByGradientDescentFollowsNtkGradientFlow() {
    Matrix xTrain = FiniteFixtures.sphere(N, D, 1);
    Matrix xTest = FiniteFixtures.sphere(M, D, 2);
    Matrix yTrain = FiniteFixtures.sphere(N, K, 3);
    double wStd = Math.sqrt(2);
    double bStd = 0.1;
    KernelBlocks kernels =
        NeuralKernels.fc(
            new FcArchitecture(DEPTH, Activation.RELU, wStd, bStd, Parameterization.NTK, 0),
            xTrain,
            xTest);
    double lambdaMax = Blas.eigh(kernels.ntkTrainTrain()).maxValue();
    // stable below 2·n·k/λ_max; half of that limit
    double lr = N * K / lambdaMax;
    double t = lr * STEPS;
    Matrix flow =
        KernelRegression.ntk(
                kernels.ntkTrainTrain(),
                kernels.ntkTestTrain(),
                yTrain,
                new double[] {0},
                new double[] {t})
            .get(0)
            .mean();

    int[] widths = {256, 2048, 8192};
    double[] errors = new double[widths.length];
    for (int i = 0; i < widths.length; i++) {
      errors[i] = error(widths[i], wStd, bStd, lr, xTrain, yTrain, xTest, flow);
      System.out.printf(
          "linearization: t = %.4g (lr %.4g × %d steps), relative error %.4f at width %d%n",
          t, lr, STEPS, errors[i], widths[i]);
    }
    // measured: 0.1829 (256), 0.0739 (2048), 0.0326 (8192): about 1/√width
    assertTrue(errors[1] < 0.10, "relative error " + errors[1] + " at width 2048");
    assertTrue(errors[2] < 0.05, "relative error " + errors[2] + " at width 8192");
    assertTrue(
        errors[1] < 0.6 * errors[0], "error at 2048 vs 256: " + errors[1] + ", " + errors[0]);
    assertTrue(
        errors[2] < 0.7 * errors[1], "error at 8192 vs 2048: " + errors[2] + ", " + errors[1]);
  }

  private static double error(
      int width,
      double wStd,
      double bStd,
      double lr,
      Matrix xTrain,
      Matrix yTrain,
      Matrix xTest,
      Matrix flow) {
    FcSpec spec = new FcSpec(D, width, DEPTH, K, Activation.RELU, Parameterization.NTK, wStd, bStd);
    TrainingRun run =
        new SgdTrainer(TrainingConfig.sgd(lr, Budget.steps(STEPS)).withCentred(true))
            .run(spec, 5, new Examples(xTrain, yTrain, null), new Examples(xTest, flow, null));
    return relativeError(run.testPredictions().orElseThrow(), flow);
  }
}
