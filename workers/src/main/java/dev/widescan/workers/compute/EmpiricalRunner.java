package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.finite.EmpiricalKernels;
import dev.widescan.workers.finite.FcNetwork;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.infer.NotPositiveDefiniteException;
import dev.widescan.workers.infer.Prediction;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.kernel.TestBlock;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.EmpiricalUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.TimeValues;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;

/** Empirical kernel units: kernel regression with a finite network's own kernels. */
final class EmpiricalRunner extends UnitRunner<EmpiricalUnitParams> {
  EmpiricalRunner(RunContext ctx) {
    super(ctx, EmpiricalUnitParams.class);
  }

  /**
   * Kernel regression with a finite network's own kernels (Novak et al. 2019, "Neural Tangents";
   * Lee et al. 2020, §4): the empirical NTK at initialization and the NNGP estimated over {@code
   * samples} initializations, each with its relative Frobenius distance to the analytic kernel on
   * the training set. A kernel that cannot be inverted at some diag_reg is a row saying so.
   */
  @Override
  UnitOutcome run(WorkUnit unit, EmpiricalUnitParams p, long start) {
    LoadedDataset loaded = ctx.datasets().get(p.dataset());
    Dataset data = loaded.data();
    ArchitectureSpec a = p.architecture();
    FcSpec spec =
        UnitArchitectures.fcSpec(a, data, loaded.trainTargets().cols(), "an empirical kernel");
    KernelBlocks analytic =
        NeuralKernels.fc(
            UnitArchitectures.architecture(a), data.xTrain(), data.xTest(), TestBlock.DIAGONAL);
    double[] diagRegs = p.diagReg().stream().mapToDouble(Double::doubleValue).toArray();
    double[] times = TimeValues.parseAll(p.t());
    List<ResultRow> rows = new ArrayList<>();
    List<Predictions> predictions = new ArrayList<>();
    if (p.kinds().contains("ntk")) {
      FcNetwork net = FcNetwork.initialize(spec, p.seed());
      Matrix trainTrain = EmpiricalKernels.ntk(net, data.xTrain(), data.xTrain());
      Matrix testTrain = EmpiricalKernels.ntk(net, data.xTest(), data.xTrain());
      double error = relativeError(trainTrain, analytic.ntkTrainTrain());
      addEmpirical(
          rows,
          predictions,
          "empirical_ntk",
          p,
          loaded,
          error,
          () ->
              KernelRegression.ntk(trainTrain, testTrain, loaded.trainTargets(), diagRegs, times));
    }
    if (p.kinds().contains("nngp")) {
      Matrix trainTrain =
          EmpiricalKernels.nngp(spec, data.xTrain(), data.xTrain(), p.samples(), p.seed());
      Matrix testTrain =
          EmpiricalKernels.nngp(spec, data.xTest(), data.xTrain(), p.samples(), p.seed());
      double error = relativeError(trainTrain, analytic.nngpTrainTrain());
      addEmpirical(
          rows,
          predictions,
          "empirical_nngp",
          p,
          loaded,
          error,
          () -> KernelRegression.nngp(trainTrain, testTrain, loaded.trainTargets(), diagRegs));
    }
    byte[] arrow =
        predictions.isEmpty() ? null : PredictionsCodec.encode(predictions, data.yTest());
    return UnitOutcome.success(unit, rows, arrow, RunContext.seconds(start), ctx.worker());
  }

  private static void addEmpirical(
      List<ResultRow> rows,
      List<Predictions> predictions,
      String model,
      EmpiricalUnitParams p,
      LoadedDataset loaded,
      double kernelError,
      java.util.function.Supplier<List<Prediction>> regression) {
    List<Prediction> results;
    try {
      results = regression.get();
    } catch (NotPositiveDefiniteException e) {
      ResultRow.Training note = empiricalNote(p, e.getMessage());
      rows.add(
          new ResultRow(
              model,
              model,
              p.dataset(),
              p.architecture(),
              note,
              null,
              null,
              null,
              null,
              null,
              kernelError,
              null));
      return;
    }
    ResultRow.Training provenance =
        empiricalNote(
            p,
            model.equals("empirical_ntk")
                ? "NTK of the network initialized from seed " + p.seed()
                : "NNGP over " + p.samples() + " initializations from seed " + p.seed());
    for (Prediction pred : results) {
      String key = model + "/diag_reg=" + pred.diagReg() + "/t=" + TimeValues.format(pred.t());
      rows.add(
          new ResultRow(
              key,
              model,
              p.dataset(),
              p.architecture(),
              provenance,
              pred.diagReg(),
              pred.t(),
              Metrics.accuracy(pred.mean(), loaded.data().yTest()),
              Metrics.mse(pred.mean(), loaded.testTargets()),
              null,
              kernelError,
              null));
      predictions.add(new Predictions(key, pred.mean()));
    }
  }

  private static ResultRow.Training empiricalNote(EmpiricalUnitParams p, String note) {
    return new ResultRow.Training(null, 0, 0, 0, null, false, 0, 0, 0, p.seed(), null, note, 0);
  }

  /** ‖a − b‖_F / ‖b‖_F. */
  private static double relativeError(Matrix a, Matrix b) {
    double diff = 0;
    double norm = 0;
    double[] x = a.data();
    double[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      diff += (x[i] - y[i]) * (x[i] - y[i]);
      norm += y[i] * y[i];
    }
    return Math.sqrt(diff / norm);
  }
}
