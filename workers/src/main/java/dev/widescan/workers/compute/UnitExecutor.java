package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetException;
import dev.widescan.workers.finite.FcNetwork;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.finite.SgdConfig;
import dev.widescan.workers.finite.SgdTrainer;
import dev.widescan.workers.finite.TrainingDivergedException;
import dev.widescan.workers.finite.TrainingResult;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.infer.NotPositiveDefiniteException;
import dev.widescan.workers.infer.Prediction;
import dev.widescan.workers.infer.Targets;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.TimeValues;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes one work unit on the CPU: kernels and their predictions, or a trained finite network. It
 * knows nothing of Flink; a failure becomes a failed {@link UnitOutcome} with its reason, and is
 * marked retryable only when it is not a property of the unit itself.
 */
public final class UnitExecutor {
  private final DatasetCache datasets;
  private final String worker;

  public UnitExecutor(Optional<Path> dataDir, String worker) {
    this.datasets = new DatasetCache(dataDir);
    this.worker = worker;
  }

  public UnitOutcome run(WorkUnit unit) {
    long start = System.nanoTime();
    try {
      Computed computed =
          switch (unit.kind()) {
            case KERNEL -> runKernel(UnitJson.read(unit.paramsJson(), KernelUnitParams.class));
            case FINITE -> runFinite(UnitJson.read(unit.paramsJson(), FiniteUnitParams.class));
          };
      return UnitOutcome.success(
          unit, computed.rows(), computed.predictionsArrow(), seconds(start), worker);
    } catch (NotPositiveDefiniteException
        | TrainingDivergedException
        | IllegalArgumentException
        | DatasetException e) {
      return UnitOutcome.failure(unit, e.getMessage(), false, seconds(start), worker);
    } catch (RuntimeException | OutOfMemoryError e) {
      return UnitOutcome.failure(
          unit, e.getClass().getSimpleName() + ": " + e.getMessage(), true, seconds(start), worker);
    }
  }

  private record Computed(List<ResultRow> rows, byte[] predictionsArrow) {}

  private Computed runKernel(KernelUnitParams p) {
    Dataset data = datasets.get(p.dataset());
    ArchitectureSpec a = p.architecture();
    FcArchitecture architecture =
        new FcArchitecture(
            a.depth(),
            Activation.parse(a.activation()),
            a.wStd(),
            a.bStd(),
            Parameterization.parse(a.parameterization()),
            a.width() == null ? 0 : a.width());
    KernelBlocks k = NeuralKernels.fc(architecture, data.xTrain(), data.xTest());
    Matrix yTrain = Targets.oneHot(data.yTrain(), data.classes(), p.targetShift());
    Matrix yTest = Targets.oneHot(data.yTest(), data.classes(), p.targetShift());
    double[] diagRegs = p.diagReg().stream().mapToDouble(Double::doubleValue).toArray();
    double[] times = TimeValues.parseAll(p.t());

    List<ResultRow> rows = new ArrayList<>();
    List<Predictions> predictions = new ArrayList<>();
    if (p.kinds().contains("nngp")) {
      for (Prediction pred :
          KernelRegression.nngp(k.nngpTrainTrain(), k.nngpTestTrain(), yTrain, diagRegs)) {
        add(
            rows,
            predictions,
            "nngp",
            p,
            pred.diagReg(),
            Double.POSITIVE_INFINITY,
            pred.mean(),
            data,
            yTest);
      }
    }
    if (p.kinds().contains("ntk")) {
      for (Prediction pred :
          KernelRegression.ntk(k.ntkTrainTrain(), k.ntkTestTrain(), yTrain, diagRegs, times)) {
        add(rows, predictions, "ntk", p, pred.diagReg(), pred.t(), pred.mean(), data, yTest);
      }
    }
    return new Computed(rows, PredictionsCodec.encode(predictions, data.yTest()));
  }

  private static void add(
      List<ResultRow> rows,
      List<Predictions> predictions,
      String model,
      KernelUnitParams p,
      double diagReg,
      double t,
      Matrix mean,
      Dataset data,
      Matrix yTest) {
    String key = model + "/diag_reg=" + diagReg + "/t=" + TimeValues.format(t);
    rows.add(
        new ResultRow(
            key,
            model,
            p.dataset(),
            p.architecture(),
            null,
            null,
            null,
            null,
            null,
            diagReg,
            t,
            Metrics.accuracy(mean, data.yTest()),
            Metrics.mse(mean, yTest),
            null));
    predictions.add(new Predictions(key, mean));
  }

  private Computed runFinite(FiniteUnitParams p) {
    Dataset data = datasets.get(p.dataset());
    ArchitectureSpec a = p.architecture();
    if (a.width() == null) {
      throw new IllegalArgumentException("a finite unit needs a width");
    }
    Matrix yTrain = Targets.oneHot(data.yTrain(), data.classes(), p.targetShift());
    Matrix yTest = Targets.oneHot(data.yTest(), data.classes(), p.targetShift());
    FcNetwork network =
        FcNetwork.initialize(
            new FcSpec(
                data.xTrain().cols(),
                a.width(),
                a.depth(),
                data.classes(),
                Activation.parse(a.activation()),
                Parameterization.parse(a.parameterization()),
                a.wStd(),
                a.bStd()),
            p.seed());
    TrainingResult trained =
        new SgdTrainer(
                new SgdConfig(
                    p.lr(), p.momentum(), p.weightDecay(), p.epochs(), p.batchSize(), p.seed()))
            .train(network, data.xTrain(), yTrain);
    Matrix mean = trained.network().apply(data.xTest());
    double[] losses = trained.trainLossPerEpoch();
    ResultRow row =
        new ResultRow(
            "finite",
            "finite",
            p.dataset(),
            a,
            p.lr(),
            p.weightDecay(),
            p.epochs(),
            p.batchSize(),
            p.seed(),
            null,
            null,
            Metrics.accuracy(mean, data.yTest()),
            Metrics.mse(mean, yTest),
            losses.length == 0 ? null : losses[losses.length - 1]);
    return new Computed(
        List.of(row),
        PredictionsCodec.encode(List.of(new Predictions("finite", mean)), data.yTest()));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
