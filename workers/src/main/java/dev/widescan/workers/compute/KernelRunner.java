package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.infer.Prediction;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.kernel.TestBlock;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.TimeValues;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;

/** Kernel units: NNGP and NTK predictions at every diag_reg and t from the unit's kernels. */
final class KernelRunner extends UnitRunner<KernelUnitParams> {
  KernelRunner(RunContext ctx) {
    super(ctx, KernelUnitParams.class);
  }

  /**
   * NNGP and NTK predictions at every diag_reg and t. The kernels are computed here, or, for a
   * kernel in tiles, assembled from the tiles its dependencies left.
   */
  @Override
  UnitOutcome run(WorkUnit unit, KernelUnitParams p, long start) {
    LoadedDataset loaded = ctx.datasets().get(p.dataset());
    Dataset data = loaded.data().channelsLast();
    Layer network = UnitArchitectures.network(p.architecture(), data);
    KernelBlocks k =
        p.tileSize() == null
            ? NeuralKernels.compute(network, data.xTrain(), data.xTest(), TestBlock.DIAGONAL)
            : TiledKernels.assemble(
                network, data, p.tileSize(), unit.inputArtifacts(), ctx.artifacts());
    double[] diagRegs = p.diagReg().stream().mapToDouble(Double::doubleValue).toArray();
    double[] times = TimeValues.parseAll(p.t());

    List<ResultRow> rows = new ArrayList<>();
    List<Predictions> predictions = new ArrayList<>();
    if (p.kinds().contains("nngp")) {
      List<Prediction> means =
          KernelRegression.nngp(
              k.nngpTrainTrain(), k.nngpTestTrain(), loaded.trainTargets(), diagRegs);
      List<double[]> variances =
          p.variance()
              ? KernelRegression.nngpVariance(
                  k.nngpTrainTrain(), k.nngpTestTrain(), k.nngpTestDiagonal(), diagRegs)
              : null;
      for (int i = 0; i < means.size(); i++) {
        add(
            rows,
            predictions,
            "nngp",
            p,
            means.get(i),
            variances == null ? null : variances.get(i),
            loaded);
      }
    }
    if (p.kinds().contains("ntk")) {
      for (Prediction pred :
          KernelRegression.ntk(
              k.ntkTrainTrain(), k.ntkTestTrain(), loaded.trainTargets(), diagRegs, times)) {
        add(rows, predictions, "ntk", p, pred, null, loaded);
      }
    }
    return UnitOutcome.success(
        unit,
        rows,
        PredictionsCodec.encode(predictions, data.yTest()),
        RunContext.seconds(start),
        ctx.worker());
  }

  private static void add(
      List<ResultRow> rows,
      List<Predictions> predictions,
      String model,
      KernelUnitParams p,
      Prediction pred,
      double[] variance,
      LoadedDataset loaded) {
    String key = model + "/diag_reg=" + pred.diagReg() + "/t=" + TimeValues.format(pred.t());
    rows.add(
        new ResultRow(
            key,
            model,
            p.dataset(),
            p.architecture(),
            null,
            pred.diagReg(),
            pred.t(),
            Metrics.accuracy(pred.mean(), loaded.data().yTest()),
            Metrics.mse(pred.mean(), loaded.testTargets()),
            null,
            null,
            variance == null ? null : java.util.Arrays.stream(variance).average().orElse(0)));
    predictions.add(new Predictions(key, pred.mean(), variance));
  }
}
