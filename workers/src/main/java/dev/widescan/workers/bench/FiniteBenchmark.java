package dev.widescan.workers.bench;

import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.data.FashionMnist;
import dev.widescan.workers.finite.Budget;
import dev.widescan.workers.finite.Examples;
import dev.widescan.workers.finite.FcNetwork;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.finite.SgdTrainer;
import dev.widescan.workers.finite.TrainingConfig;
import dev.widescan.workers.finite.TrainingRun;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Finite-network training throughput on the CPU: a depth-3, width-1024 ReLU network (NTK
 * parameterization) trained by minibatch SGD (batch 256, MSE, centred) on 5000 Fashion-MNIST
 * images, with the achieved GFLOP/s compared with the DGEMM rate {@link Blas#gemm} reaches on
 * 2000×2000×2000 in the same process (best of three), so a busy machine lowers both.
 *
 * <p>FLOPs per training example: forward Σ_l 2·N_in·N_out, the weight gradients as much again, and
 * the backpropagated input gradients Σ_{l≥1} 2·N_in·N_out (none is needed below the first layer);
 * about 3× the forward GEMM FLOPs. Elementwise work (activations, biases, the update) is not
 * counted.
 *
 * <p>Run: {@code mvn -q -pl workers compile exec:java
 * -Dexec.mainClass=dev.widescan.workers.bench.FiniteBenchmark}
 */
public final class FiniteBenchmark {
  private static final int WIDTH = 1024;
  private static final int DEPTH = 3;
  private static final int BATCH = 256;
  private static final int TRAIN = 5000;
  private static final int TEST = 1000;
  private static final int EPOCHS = 3;
  private static final int GEMM_N = 2000;

  private FiniteBenchmark() {}

  /**
   * Runs the benchmark once per OpenBLAS thread count: by default 1 and every core (a busy machine
   * makes the multi-threaded products far slower than one thread, as the spinning BLAS threads
   * compete with other processes); arguments name other thread counts.
   */
  public static void main(String[] args) throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    int[] threadCounts = cores > 1 ? new int[] {1, cores} : new int[] {1};
    if (args.length > 0) {
      threadCounts = java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    }
    // the first TRAIN and TEST examples, standardized per example
    Dataset data =
        DatasetRegistry.defaults().load(DatasetRequest.of(FashionMnist.NAME, TRAIN, TEST)).data();
    for (int threads : threadCounts) {
      Blas.setThreads(threads);
      run(data, threads, cores);
    }
  }

  private static void run(Dataset data, int threads, int cores) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "== OpenBLAS threads: %d of %d cores; load average before: %s%n",
        threads,
        cores,
        loadAverage());
    double peak = dgemmGflops();
    System.out.printf(
        Locale.ROOT,
        "DGEMM %dx%dx%d via Blas.gemm: %.1f GFLOP/s (best of 3)%n",
        GEMM_N,
        GEMM_N,
        GEMM_N,
        peak);

    Examples train = Examples.classification(data.xTrain(), data.yTrain(), data.classes(), 0.1);
    Examples test = Examples.classification(data.xTest(), data.yTest(), data.classes(), 0.1);
    FcSpec spec =
        new FcSpec(
            data.xTrain().cols(),
            WIDTH,
            DEPTH,
            data.classes(),
            Activation.RELU,
            Parameterization.NTK,
            Math.sqrt(2),
            0.1);
    TrainingConfig config =
        TrainingConfig.sgd(2.0, Budget.epochs(EPOCHS))
            .withBatchSize(BATCH)
            .withSeed(1)
            .withCentred(true);
    FcNetwork initial = FcNetwork.initialize(spec, 1);
    // warm-up: JIT and OpenBLAS buffers
    new SgdTrainer(TrainingConfig.sgd(2.0, Budget.steps(3)).withBatchSize(BATCH))
        .run(initial, train, null);

    TrainingRun run = new SgdTrainer(config).run(initial, train, test);
    double samplesPerSecond = run.samplesPerSecond(TRAIN);
    double flopsPerSample = trainingFlopsPerExample(spec);
    double gflops = samplesPerSecond * flopsPerSample / 1e9;
    System.out.printf(
        Locale.ROOT,
        "network %d-%s-%d ReLU (NTK), %,d parameters; n = %d, batch %d, %d epochs = %d steps%n",
        spec.inputs(),
        DEPTH + "x" + WIDTH,
        spec.outputs(),
        initial.parameterCount(),
        TRAIN,
        BATCH,
        EPOCHS,
        run.steps());
    System.out.printf(
        Locale.ROOT,
        "training: %.2f s for the steps (%.2f s with curve and test evaluation), %.0f samples/s,"
            + " %.2f MFLOP per sample (forward %.2f)%n",
        run.trainSeconds(),
        run.wallSeconds(),
        samplesPerSecond,
        flopsPerSample / 1e6,
        forwardFlopsPerExample(spec) / 1e6);
    System.out.printf(
        Locale.ROOT,
        "achieved %.1f GFLOP/s = %.0f%% of the DGEMM rate measured above%n",
        gflops,
        100 * gflops / peak);
    System.out.printf(
        Locale.ROOT,
        "centred: train loss %.4f → %.4f, test accuracy %.3f, test MSE %.4f%s%n",
        run.curve().get(0).trainLoss(),
        run.last().trainLoss(),
        run.test().map(e -> e.accuracy()).orElse(Double.NaN),
        run.test().map(e -> e.mse()).orElse(Double.NaN),
        run.divergence().map(d -> "; " + d.reason()).orElse(""));
    System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
  }

  /** Σ_l 2·N_in·N_out. */
  static double forwardFlopsPerExample(FcSpec spec) {
    double f = 0;
    for (int l = 0; l <= spec.depth(); l++) {
      f += 2.0 * spec.fanIn(l) * spec.fanOut(l);
    }
    return f;
  }

  /** Forward, weight gradients, and input gradients of every layer but the first. */
  static double trainingFlopsPerExample(FcSpec spec) {
    return 3 * forwardFlopsPerExample(spec) - 2.0 * spec.fanIn(0) * spec.fanOut(0);
  }

  private static double dgemmGflops() {
    Random r = new Random(1);
    Matrix a = Matrix.zeros(GEMM_N, GEMM_N);
    Matrix b = Matrix.zeros(GEMM_N, GEMM_N);
    for (int i = 0; i < a.data().length; i++) {
      a.data()[i] = r.nextGaussian();
      b.data()[i] = r.nextGaussian();
    }
    Matrix c = Matrix.zeros(GEMM_N, GEMM_N);
    Blas.gemm(1.0, a, false, b, false, 0.0, c);
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Blas.gemm(1.0, a, false, b, false, 0.0, c);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * GEMM_N * GEMM_N * (double) GEMM_N / best / 1e9;
  }

  private static String loadAverage() throws IOException {
    Path p = Path.of("/proc/loadavg");
    return Files.exists(p) ? Files.readString(p).trim() : "unknown";
  }
}
