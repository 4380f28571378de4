package dev.widescan.workers.bench;

import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.data.FashionMnist;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Targets;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelState;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.NativeMatrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The kernel engine's benchmark (a command, not a test): Fashion-MNIST, d = 784, depth-3 ReLU, NTK
 * parameterization; for each n, the train × train and test × train NNGP+NTK, inference over 4
 * diag_reg × 6 times, and this machine's DGEMM rate and eigh time measured in the same run. Each
 * size is timed in a worker's steady state, after a first (cold) computation of its kernels.
 *
 * <p>Usage: {@code KernelBenchmark [test=10000] n1 [n2 ...]} (default n = 2000 5000).
 */
public final class KernelBenchmark {
  private static final double[] DIAG_REGS = {1e-4, 1e-3, 1e-2, 1e-1};
  private static final double[] TIMES = {1, 10, 100, 1000, 10000, Double.POSITIVE_INFINITY};

  private KernelBenchmark() {}

  public static void main(String[] args) {
    int test = 10000;
    int[] sizes = {2000, 5000};
    if (args.length > 0) {
      int start = 0;
      if (args[0].startsWith("test=")) {
        test = Integer.parseInt(args[0].substring(5));
        start = 1;
      }
      if (args.length > start) {
        sizes = new int[args.length - start];
        for (int i = start; i < args.length; i++) {
          sizes[i - start] = Integer.parseInt(args[i]);
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "KernelBenchmark: Fashion-MNIST, depth-3 ReLU (W_std=1.4, b_std=0.1, ntk), %d test;"
            + " %d cores, OpenBLAS threads %d%n",
        test,
        Runtime.getRuntime().availableProcessors(),
        Blas.threads());
    if (!heapPreTouched()) {
      System.out.println(
          "  (the heap is not pre-touched: kernels then pay page faults, up to ~2 s per GB, each time"
              + " they land on heap memory not used before; run with"
              + " MAVEN_OPTS=\"-Xms8g -Xmx8g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages\", as"
              + " a worker's JVM should)");
    }
    for (int n : sizes) {
      run(n, test);
    }
  }

  private static void run(int n, int test) {
    // the first n and test examples, standardized per example
    Dataset data =
        DatasetRegistry.defaults().load(DatasetRequest.of(FashionMnist.NAME, n, test)).data();
    Matrix xTrain = data.xTrain();
    Matrix xTest = data.xTest();
    int d = xTrain.cols();
    Layer network =
        new FcArchitecture(3, Activation.RELU, 1.4, 0.1, Parameterization.NTK, 0).network();

    double dgemm = dgemmSeconds(xTrain);
    double peak = 2.0 * n * n * d / dgemm / 1e9;

    // The first kernels of this size in this process pay for fresh pages (the off-heap product
    // blocks and the heap's growth) and for compiling the layers; a worker running unit after unit
    // does not, and the figures below are that steady state.
    long t0 = System.nanoTime();
    NeuralKernels.tile(network, xTrain, 0, n, 0, n);
    NeuralKernels.tile(network, xTest, 0, test, xTrain, 0, n);
    double cold = seconds(t0);

    // The fused path's first phase alone: K₀ by its panel DGEMMs, in place off-heap.
    t0 = System.nanoTime();
    NeuralKernels.inputProducts(xTrain, xTrain, true);
    double productsTrain = seconds(t0);
    t0 = System.nanoTime();
    NeuralKernels.inputProducts(xTest, xTrain, false);
    double productsTest = seconds(t0);

    t0 = System.nanoTime();
    KernelState trainTrain = NeuralKernels.tile(network, xTrain, 0, n, 0, n);
    double kernelTrain = seconds(t0);
    t0 = System.nanoTime();
    KernelState testTrain = NeuralKernels.tile(network, xTest, 0, test, xTrain, 0, n);
    double kernelTest = seconds(t0);

    Matrix y = Targets.oneHot(data.yTrain(), data.classes(), 0.1);
    t0 = System.nanoTime();
    KernelRegression.nngp(trainTrain.nngp(), testTrain.nngp(), y, DIAG_REGS);
    double nngpSeconds = seconds(t0);
    t0 = System.nanoTime();
    KernelRegression.ntk(trainTrain.ntk(), testTrain.ntk(), y, DIAG_REGS, TIMES);
    double ntkSeconds = seconds(t0);

    t0 = System.nanoTime();
    Blas.eigh(trainTrain.ntk());
    double eigh = seconds(t0);

    double products = productsTrain + productsTest;
    // Useful flops: the upper triangle of train × train (n²d) and all of test × train (2·m·n·d).
    double flops = (double) n * n * d + 2.0 * test * n * d;
    double productRate = flops / products / 1e9;
    double performed =
        NeuralKernels.inputProductFlops(n, n, d, true)
            + NeuralKernels.inputProductFlops(test, n, d, false);
    double achievedRate = performed / products / 1e9;
    double kernels = kernelTrain + kernelTest;
    double elementwise = kernels - products;
    double inference = nngpSeconds + ntkSeconds;
    double total = kernels + inference;
    System.out.printf(
        Locale.ROOT,
        "n=%d d=%d test=%d%n"
            + "  DGEMM n×n×d: %.3f s = %.1f GFLOP/s (peak reference); eigh n×n: %.2f s%n"
            + "  kernels: train×train %.2f s, test×train %.2f s (total %.2f s; %.2f s the first"
            + " time in this process)%n"
            + "    input products %.2f s: achieved %.1f GFLOP/s = %.0f%% of DGEMM peak on the %.1f"
            + " GFLOP the DGEMMs run; %.1f GFLOP/s = %.0f%% counting only the %.1f GFLOP of"
            + " entries kept%n"
            + "    fused elementwise layers %.2f s = %.2f× the products%n"
            + "  inference (%d diag_reg × %d times): NNGP %.2f s, NTK %.2f s (total %.2f s)%n"
            + "  whole run %.2f s = %.2f× (one DGEMM + one eigh = %.2f s)%n",
        n,
        d,
        test,
        dgemm,
        peak,
        eigh,
        kernelTrain,
        kernelTest,
        kernels,
        cold,
        products,
        achievedRate,
        100 * achievedRate / peak,
        performed / 1e9,
        productRate,
        100 * productRate / peak,
        flops / 1e9,
        elementwise,
        elementwise / products,
        DIAG_REGS.length,
        TIMES.length,
        nngpSeconds,
        ntkSeconds,
        inference,
        total,
        total / (dgemm + eigh),
        dgemm + eigh);
  }

  /** Best of five off-heap DGEMMs x·xᵀ (n × d by d × n). */
  private static double dgemmSeconds(Matrix x) {
    int n = x.rows();
    double best = Double.POSITIVE_INFINITY;
    try (NativeMatrix a = NativeMatrix.of(x);
        NativeMatrix c = NativeMatrix.zeros(n, n)) {
      for (int rep = 0; rep < 5; rep++) {
        long t0 = System.nanoTime();
        Blas.gemm(1.0, a, false, a, true, 0.0, c);
        best = Math.min(best, seconds(t0));
      }
    }
    return best;
  }

  private static boolean heapPreTouched() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
