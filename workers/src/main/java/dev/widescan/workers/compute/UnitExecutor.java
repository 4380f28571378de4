package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.arrow.KernelTileCodec.TileKernels;
import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetException;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.data.Targets;
import dev.widescan.workers.finite.Budget;
import dev.widescan.workers.finite.CurvePoint;
import dev.widescan.workers.finite.EmpiricalKernels;
import dev.widescan.workers.finite.Ensemble;
import dev.widescan.workers.finite.Examples;
import dev.widescan.workers.finite.FcNetwork;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.finite.Loss;
import dev.widescan.workers.finite.SgdTrainer;
import dev.widescan.workers.finite.TrainingConfig;
import dev.widescan.workers.finite.TrainingRun;
import dev.widescan.workers.finite.WeightDecay;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.infer.NotPositiveDefiniteException;
import dev.widescan.workers.infer.Prediction;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.kernel.TestBlock;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.CurveRow;
import dev.widescan.workers.unit.EmpiricalUnitParams;
import dev.widescan.workers.unit.EnsembleUnitParams;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.KernelTileUnitParams;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.TimeValues;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.UnitOutcome.Artifact;
import dev.widescan.workers.unit.WorkUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes one work unit on the CPU: kernels and their predictions, or a trained finite network. It
 * knows nothing of Flink; a failure becomes a failed {@link UnitOutcome} with its reason, and is
 * marked retryable only when it is not a property of the unit itself. A finite network that
 * diverges is a result (a row saying where and why), not a failure.
 */
public final class UnitExecutor {
  private final DatasetCache datasets;
  private final String worker;

  public UnitExecutor(DatasetRegistry registry, String worker) {
    this.datasets = new DatasetCache(registry);
    this.worker = worker;
  }

  public UnitOutcome run(WorkUnit unit) {
    long start = System.nanoTime();
    try {
      return switch (unit.kind()) {
        case KERNEL ->
            runKernel(unit, UnitJson.read(unit.paramsJson(), KernelUnitParams.class), start);
        case FINITE ->
            runFinite(unit, UnitJson.read(unit.paramsJson(), FiniteUnitParams.class), start);
        case ENSEMBLE ->
            runEnsemble(unit, UnitJson.read(unit.paramsJson(), EnsembleUnitParams.class), start);
        case EMPIRICAL ->
            runEmpirical(unit, UnitJson.read(unit.paramsJson(), EmpiricalUnitParams.class), start);
        case KERNEL_TILE ->
            runKernelTile(
                unit, UnitJson.read(unit.paramsJson(), KernelTileUnitParams.class), start);
      };
    } catch (NotPositiveDefiniteException | IllegalArgumentException | DatasetException e) {
      return UnitOutcome.failure(unit, e.getMessage(), false, seconds(start), worker);
    } catch (RuntimeException | OutOfMemoryError e) {
      return UnitOutcome.failure(
          unit, e.getClass().getSimpleName() + ": " + e.getMessage(), true, seconds(start), worker);
    }
  }

  /**
   * NNGP and NTK predictions at every diag_reg and t. The kernels are computed here, or, for a
   * kernel in tiles, assembled from the tiles its dependencies left.
   */
  private UnitOutcome runKernel(WorkUnit unit, KernelUnitParams p, long start) {
    LoadedDataset loaded = datasets.get(p.dataset());
    Dataset data = loaded.data().channelsLast();
    Layer network = network(p.architecture(), data);
    KernelBlocks k =
        p.tileSize() == null
            ? NeuralKernels.compute(network, data.xTrain(), data.xTest(), TestBlock.DIAGONAL)
            : TiledKernels.assemble(network, data, p.tileSize(), unit.inputArtifacts());
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
        unit, rows, PredictionsCodec.encode(predictions, data.yTest()), seconds(start), worker);
  }

  /** One tile of a large kernel, left as an artifact for the kernel unit that assembles it. */
  private UnitOutcome runKernelTile(WorkUnit unit, KernelTileUnitParams p, long start) {
    Dataset data = datasets.get(p.dataset()).data().channelsLast();
    TileKernels tile = TiledKernels.compute(network(p.architecture(), data), data, p.tile());
    return UnitOutcome.success(
        unit, Artifact.kernelTile(KernelTileCodec.encode(tile)), seconds(start), worker);
  }

  /**
   * The kernel-space network of a unit's architecture on its data: the fused dense chain of a
   * fully-connected one (as before layer lists), or a convolutional network for the data's image
   * shape. Width null (the infinite-width limit) is 0 there.
   */
  static Layer network(ArchitectureSpec a, Dataset data) {
    if (a.layers() == null) {
      return architecture(a).network();
    }
    return NeuralKernels.network(
        a.toArchitecture(),
        Parameterization.parse(a.parameterization()),
        a.width() == null ? 0 : a.width(),
        data.shape());
  }

  private static void requireFullyConnected(ArchitectureSpec a, String what) {
    if (a.layers() != null) {
      throw new IllegalArgumentException(
          what
              + " is built for family fc only so far; "
              + a.layers()
              + " has kernel units only (finite convolutional networks are not available yet)");
    }
  }

  /** The kernel engine's architecture; width null (the infinite-width limit) is 0 there. */
  private static FcArchitecture architecture(ArchitectureSpec a) {
    return new FcArchitecture(
        a.depth(),
        Activation.parse(a.activation()),
        a.wStd(),
        a.bStd(),
        Parameterization.parse(a.parameterization()),
        a.width() == null ? 0 : a.width());
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

  private UnitOutcome runFinite(WorkUnit unit, FiniteUnitParams p, long start) {
    LoadedDataset loaded = datasets.get(p.dataset());
    Dataset data = loaded.data();
    ArchitectureSpec a = p.architecture();
    requireFullyConnected(a, "a finite network");
    if (a.width() == null) {
      throw new IllegalArgumentException("a finite unit needs a width");
    }
    Loss loss = Loss.parse(p.loss() == null ? "mse" : p.loss());
    FcSpec spec =
        new FcSpec(
            data.xTrain().cols(),
            a.width(),
            a.depth(),
            loaded.trainTargets().cols(),
            Activation.parse(a.activation()),
            Parameterization.parse(a.parameterization()),
            a.wStd(),
            a.bStd());
    Examples train = examples(loss, data.xTrain(), data.yTrain(), loaded.trainTargets(), data);
    Examples test = examples(loss, data.xTest(), data.yTest(), loaded.testTargets(), data);
    int batch = Math.min(p.batchSize(), train.size());
    long stepsPerEpoch = (train.size() + batch - 1) / batch;
    TrainingConfig config =
        TrainingConfig.sgd(
                p.lr(), p.steps() > 0 ? Budget.steps(p.steps()) : Budget.epochs(p.epochs()))
            .withLoss(loss)
            .withMomentum(p.momentum())
            .withWeightDecay(
                p.weightDecay(),
                WeightDecay.parse(p.weightDecayMode() == null ? "plain" : p.weightDecayMode()))
            .withBatchSize(p.batchSize())
            .withSeed(p.seed())
            .withCentred(p.centred())
            .withCurveEvery(p.curveEvery() > 0 ? p.curveEvery() : stepsPerEpoch);
    TrainingRun run = new SgdTrainer(config).run(spec, p.seed(), train, test);

    ResultRow.Training training =
        new ResultRow.Training(
            loss.id(),
            p.lr(),
            p.momentum(),
            p.weightDecay(),
            p.weightDecayMode(),
            p.centred(),
            p.epochs(),
            run.steps(),
            p.batchSize(),
            p.seed(),
            run.divergence().map(d -> d.step()).orElse(null),
            run.divergence().map(d -> d.reason()).orElse(null),
            run.trainSeconds());
    Matrix predictions = run.testPredictions().orElse(null);
    ResultRow row =
        new ResultRow(
            "finite",
            "finite",
            p.dataset(),
            a,
            training,
            null,
            null,
            predictions == null ? null : Metrics.accuracy(predictions, data.yTest()),
            predictions == null ? null : Metrics.mse(predictions, test.y()),
            finiteOrNull(run.last().trainLoss()));
    byte[] arrow =
        predictions == null
            ? null
            : PredictionsCodec.encode(
                List.of(new Predictions("finite", predictions)), data.yTest());
    return UnitOutcome.success(unit, List.of(row), curve(run), arrow, seconds(start), worker);
  }

  /**
   * The ensemble's predictor is the mean of its members' test predictions (Lee et al. 2020, §3:
   * "ensembles of networks ... approach the kernel's prediction"), read from the artifacts the
   * members wrote. A member that left none (it diverged) makes the ensemble a result without
   * metrics that says which.
   */
  private UnitOutcome runEnsemble(WorkUnit unit, EnsembleUnitParams p, long start) {
    FiniteUnitParams m = p.member();
    LoadedDataset loaded = datasets.get(m.dataset());
    Loss loss = Loss.parse(m.loss() == null ? "mse" : m.loss());
    Examples test =
        examples(
            loss,
            loaded.data().xTest(),
            loaded.data().yTest(),
            loaded.testTargets(),
            loaded.data());
    List<String> inputs = unit.inputArtifacts();
    if (inputs.size() != p.seeds().size()) {
      throw new IllegalStateException(
          "ensemble of "
              + p.seeds().size()
              + " seeds received "
              + inputs.size()
              + " member artifacts");
    }
    List<Matrix> members = new ArrayList<>();
    String missing = null;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) == null) {
        missing = "member seed " + p.seeds().get(i) + " left no predictions (it diverged)";
        break;
      }
      members.add(readPredictions(inputs.get(i)));
    }
    Matrix mean = missing == null ? Ensemble.mean(members) : null;
    ResultRow.Training training =
        new ResultRow.Training(
            loss.id(),
            m.lr(),
            m.momentum(),
            m.weightDecay(),
            m.weightDecayMode(),
            m.centred(),
            m.epochs(),
            m.steps(),
            m.batchSize(),
            null,
            null,
            missing == null
                ? "mean of " + members.size() + " networks, seeds " + p.seeds()
                : missing,
            0.0);
    ResultRow row =
        new ResultRow(
            "ensemble",
            "ensemble",
            m.dataset(),
            m.architecture(),
            training,
            null,
            null,
            mean == null ? null : Metrics.accuracy(mean, loaded.data().yTest()),
            mean == null ? null : Metrics.mse(mean, test.y()),
            null);
    byte[] arrow =
        mean == null
            ? null
            : PredictionsCodec.encode(
                List.of(new Predictions("ensemble", mean)), loaded.data().yTest());
    return UnitOutcome.success(unit, List.of(row), arrow, seconds(start), worker);
  }

  /**
   * Kernel regression with a finite network's own kernels (Novak et al. 2019, "Neural Tangents";
   * Lee et al. 2020, §4): the empirical NTK at initialization and the NNGP estimated over {@code
   * samples} initializations, each with its relative Frobenius distance to the analytic kernel on
   * the training set. A kernel that cannot be inverted at some diag_reg is a row saying so.
   */
  private UnitOutcome runEmpirical(WorkUnit unit, EmpiricalUnitParams p, long start) {
    LoadedDataset loaded = datasets.get(p.dataset());
    Dataset data = loaded.data();
    ArchitectureSpec a = p.architecture();
    requireFullyConnected(a, "an empirical kernel");
    Activation activation = Activation.parse(a.activation());
    Parameterization parameterization = Parameterization.parse(a.parameterization());
    FcSpec spec =
        new FcSpec(
            data.xTrain().cols(),
            a.width(),
            a.depth(),
            loaded.trainTargets().cols(),
            activation,
            parameterization,
            a.wStd(),
            a.bStd());
    KernelBlocks analytic =
        NeuralKernels.fc(architecture(a), data.xTrain(), data.xTest(), TestBlock.DIAGONAL);
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
    return UnitOutcome.success(unit, rows, arrow, seconds(start), worker);
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

  private static Matrix readPredictions(String artifact) {
    try {
      Map<String, Matrix> decoded = PredictionsCodec.decode(Files.readAllBytes(Path.of(artifact)));
      Matrix finite = decoded.get("finite");
      if (finite == null) {
        throw new IllegalStateException("artifact " + artifact + " holds no 'finite' predictions");
      }
      return finite;
    } catch (IOException e) {
      throw new UncheckedIOException("can't read member predictions " + artifact, e);
    }
  }

  /** Cross-entropy trains on plain one-hot labels; MSE on the targets the dataset specifies. */
  private static Examples examples(Loss loss, Matrix x, int[] labels, Matrix targets, Dataset d) {
    Matrix y = loss == Loss.CROSS_ENTROPY ? Targets.ONE_HOT.encode(labels, d.classes()) : targets;
    return new Examples(x, y, labels);
  }

  private static List<CurveRow> curve(TrainingRun run) {
    List<CurveRow> rows = new ArrayList<>();
    for (CurvePoint c : run.curve()) {
      rows.add(
          new CurveRow(
              c.step(),
              c.time(),
              c.trainLoss(),
              c.trainAccuracy(),
              finiteOrNull(c.testLoss()),
              finiteOrNull(c.testAccuracy())));
    }
    return rows;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
