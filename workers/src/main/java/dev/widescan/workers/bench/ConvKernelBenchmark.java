package dev.widescan.workers.bench;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.data.Checksums;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.data.FashionMnist;
import dev.widescan.workers.kernel.ConvNetwork;
import dev.widescan.workers.kernel.KernelState;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.NativeMatrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The convolutional kernels' benchmark (a command, not a test): CNN-GAP and CNN-VEC of depth 3
 * (conv 3×3 SAME, ReLU, NTK parameterization, W_std = 1.4, b_std = 0.1) and the FC kernel of the
 * same depth on 28×28×1 Fashion-MNIST images standardized per example, each as a train × train
 * block (symmetric: its pairs once) plus a test × train block. Prints example pairs per second, the
 * GFLOP/s of the work the engine does against this machine's DGEMM rate measured in the same run
 * (just before each network), where the time goes (phases summed over threads), and the peak heap.
 *
 * <p>Usage: {@code ConvKernelBenchmark [n=500] [gap=N] [only=gap|vec] [data=DIR]}: n train × n test
 * for CNN-VEC and FC; CNN-GAP, about 10⁵ times the work per pair of FC, on {@code gap} × {@code
 * gap} (default n), its time at n extrapolated from its rate. Without {@code data}, Fashion-MNIST
 * is read from the data directories of {@link DatasetRegistry#defaults()} (e.g.
 * /usr/share/datasets/fashion-mnist) or the bundled subset (2000 train, 1000 test).
 *
 * <p>Flops are counted per pixel pair (CNN-GAP) or per pixel (CNN-VEC) from the geometry, as the
 * engine does them: the input product 2·C; a window sum over the valid taps, first along image rows
 * then along image columns, (taps − 1) adds per pass and one multiply by 1/(kh·kw); Dense 4 (K and
 * Θ); the arc-cosine ReLU {@value #RELU_FLOPS} (every +, −, ×, ÷ and √ of its two passes, an FMA as
 * 2, min/max/abs as 0); global average pooling or flatten one add each for K and Θ. The first
 * conv's Θ is zero and not windowed. Not counted: copies (the shifted copies that let C2 vectorize
 * the window sums), the adds of padding zeros, and the CNN-VEC path's add of each sum's first tap
 * to zero. FC: the input product 2·d (its DGEMM's padding not counted), then Dense and ReLU per
 * layer.
 */
public final class ConvKernelBenchmark {
  static final int RELU_FLOPS = 56;
  static final int DENSE_FLOPS = 4;
  private static final int DEPTH = 3;
  private static final double W_STD = 1.4;
  private static final double B_STD = 0.1;
  private static final ImageShape SHAPE = new ImageShape(28, 28, 1);

  private static Matrix dgemmInputs;

  private ConvKernelBenchmark() {}

  public static void main(String[] args) {
    int n = 500;
    int gap = -1;
    String only = "";
    Optional<Path> dir = Optional.empty();
    for (String a : args) {
      if (a.startsWith("n=")) {
        n = Integer.parseInt(a.substring(2));
      } else if (a.startsWith("gap=")) {
        gap = Integer.parseInt(a.substring(4));
      } else if (a.startsWith("only=")) {
        only = a.substring(5);
      } else if (a.startsWith("data=")) {
        dir = Optional.of(Path.of(a.substring(5)));
      } else {
        throw new IllegalArgumentException(
            "unknown argument '"
                + a
                + "'; expected n=<examples>, gap=<examples>, only=gap|vec, data=<dir>");
      }
    }
    if (gap < 0) {
      gap = n;
    }
    DatasetRegistry registry =
        dir.map(d -> new DatasetRegistry(List.of(d), false, Checksums.shared()))
            .orElseGet(DatasetRegistry::defaults);
    System.out.printf(
        Locale.ROOT,
        "ConvKernelBenchmark: Fashion-MNIST 28x28x1 (%s), depth-%d ReLU conv 3x3 SAME, W_std=%.1f,"
            + " b_std=%.1f, ntk; %d cores, load average %s%n",
        registry.describe(FashionMnist.NAME).location(),
        DEPTH,
        W_STD,
        B_STD,
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    Dataset data = registry.load(DatasetRequest.of(FashionMnist.NAME, Math.max(n, 2000), n)).data();
    double dgemm = dgemmRate(data.xTrain().rowRange(0, 2000));
    System.out.printf(
        Locale.ROOT,
        "  DGEMM 2000x784x2000 (OpenBLAS, %d threads): %.1f GFLOP/s%n",
        Blas.threads(),
        dgemm);
    dgemmInputs = data.xTrain().rowRange(0, 2000);
    Matrix xTrain = data.xTrain().rowRange(0, n);
    Matrix xTest = data.xTest();

    Layer fc =
        NeuralKernels.network(
            Architecture.fc(DEPTH, Activation.RELU, W_STD, B_STD), Parameterization.NTK, 0, null);
    if (only.equals("gap")) {
      run(
          "CNN-GAP",
          cnn(Architecture.Readout.GAP),
          xTrain.rowRange(0, gap),
          xTest.rowRange(0, gap),
          gap,
          0,
          dgemm,
          1);
      return;
    }
    Result fcResult = run("FC", fc, xTrain, xTest, n, fcFlops(SHAPE.features()), dgemm, 20);
    Result vec = run("CNN-VEC", cnn(Architecture.Readout.FLATTEN), xTrain, xTest, n, 0, dgemm, 1);
    if (only.equals("vec")) {
      return;
    }
    Result gapResult =
        run(
            "CNN-GAP",
            cnn(Architecture.Readout.GAP),
            xTrain.rowRange(0, gap),
            xTest.rowRange(0, gap),
            gap,
            0,
            dgemm,
            1);
    double pairs = pairs(n);
    System.out.printf(
        Locale.ROOT,
        "  CNN-GAP at n=%d: %.0f pairs at %.1f pairs/s = %.0f s (%s)%n"
            + "  CNN-VEC / FC time per pair: %.0fx%n"
            + "  process peak resident memory %s; load average now %s%n",
        n,
        pairs,
        gapResult.pairsPerSecond,
        pairs / gapResult.pairsPerSecond,
        gap == n ? "measured" : "extrapolated from n=" + gap,
        fcResult.pairsPerSecond / vec.pairsPerSecond,
        residentPeak(),
        loadAverage());
  }

  private static ConvNetwork cnn(Architecture.Readout readout) {
    Architecture arch =
        Architecture.cnn(DEPTH, Activation.RELU, 3, Padding.SAME, readout, W_STD, B_STD);
    return (ConvNetwork) NeuralKernels.network(arch, Parameterization.NTK, 0, SHAPE);
  }

  /** The timings of one network. */
  private record Result(double seconds, double pairsPerSecond) {}

  /**
   * Times the n × n and n × n test-train blocks after a warm-up on a few examples; {@code reps}
   * repeats them (for kernels too fast to time once). {@code flopsPerPair} 0: counted for the conv
   * network.
   */
  private static Result run(
      String name,
      Layer network,
      Matrix xTrain,
      Matrix xTest,
      int n,
      double flopsPerPair,
      double dgemm,
      int reps) {
    int warm = Math.min(n, 8);
    NeuralKernels.tile(network, xTrain, 0, warm, 0, warm);
    NeuralKernels.tile(network, xTest, 0, warm, xTrain, 0, warm);
    // Measured again next to each network: other processes' load changes the rate within a run.
    dgemm = dgemmRate(dgemmInputs);
    double flops = flopsPerPair > 0 ? flopsPerPair : convFlops((ConvNetwork) network);
    System.gc();
    resetHeapPeaks();
    ConvNetwork.profilePhases(true);
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    double symmetric = 0;
    double cross = 0;
    for (int r = 0; r < reps; r++) {
      long s0 = System.nanoTime();
      KernelState trainTrain = NeuralKernels.tile(network, xTrain, 0, n, 0, n);
      long s1 = System.nanoTime();
      KernelState testTrain = NeuralKernels.tile(network, xTest, 0, n, xTrain, 0, n);
      long s2 = System.nanoTime();
      symmetric += (s1 - s0) / 1e9;
      cross += (s2 - s1) / 1e9;
      if (!Double.isFinite(trainTrain.ntk().get(n - 1, 0) + testTrain.ntk().get(n - 1, 0))) {
        throw new IllegalStateException(name + " gave a non-finite kernel");
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9 / reps;
    double cpu = (processCpuNanos() - cpu0) / 1e9 / reps;
    double[] phases = ConvNetwork.phaseSeconds();
    ConvNetwork.profilePhases(false);
    double heap = heapPeak();
    double pairs = pairs(n);
    double rate = pairs / seconds;
    double gflops = rate * flops / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s, n=%d train x %d test: %.3f s (train x train %.3f s, test x train %.3f s) for %.0f"
            + " pairs = %.1f pairs/s; %.2f CPU-s = %.1f pairs per CPU-second%n"
            + "  %.3g flop per pair -> %.2f GFLOP/s = %.1f%% of DGEMM (%.1f GFLOP/s just before);"
            + " peak heap %.0f MB%n",
        name,
        n,
        n,
        seconds,
        symmetric / reps,
        cross / reps,
        pairs,
        rate,
        cpu,
        pairs / cpu,
        flops,
        gflops,
        100 * gflops / dgemm,
        dgemm,
        heap / 1e6);
    double total = 0;
    for (double p : phases) {
      total += p;
    }
    if (total > 0) {
      StringBuilder line = new StringBuilder("  phases (thread-seconds):");
      List<String> names = ConvNetwork.phaseNames();
      for (int i = 0; i < phases.length; i++) {
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.2f s (%.0f%%);",
                names.get(i),
                phases[i] / reps,
                100 * phases[i] / total));
      }
      line.append(
          String.format(
              Locale.ROOT, " %.2f thread-s in phases, %.2f wall-s", total / reps, seconds));
      System.out.println(line);
    }
    return new Result(seconds, rate);
  }

  /** Example pairs of an n × n symmetric block (each once) and an n × n cross block. */
  private static double pairs(int n) {
    return (double) n * (n + 1) / 2 + (double) n * n;
  }

  /** FC per pair: the input product (2d), then per layer Dense and ReLU, then the readout. */
  private static double fcFlops(int d) {
    return 2.0 * d + DEPTH * (DENSE_FLOPS + RELU_FLOPS) + DENSE_FLOPS;
  }

  /** The conv networks' flops per example pair, counted as the class comment says. */
  static double convFlops(ConvNetwork net) {
    int h = SHAPE.height();
    int w = SHAPE.width();
    int[][] mapH = Padding.SAME.windowMap(h, 3, 1);
    int[][] mapW = Padding.SAME.windowMap(w, 3, 1);
    if (net.fullSpatial()) {
      double pixelPairs = (double) h * w * h * w;
      double window = windowAdds(mapH, w) * w * w + windowAdds(mapW, h) * h * h + pixelPairs;
      double layer = window + pixelPairs * (DENSE_FLOPS + RELU_FLOPS);
      // the first layer's Θ is not windowed; GAP adds K and Θ
      return 2.0 * SHAPE.channels() * pixelPairs
          + DEPTH * layer
          + (DEPTH - 1) * window
          + 2 * pixelPairs;
    }
    double pixels = (double) h * w;
    double window = diagonalAdds(mapH) * w + diagonalAdds(mapW) * h + pixels;
    double layer = window + pixels * (DENSE_FLOPS + RELU_FLOPS);
    return 2.0 * SHAPE.channels() * pixels + DEPTH * layer + (DEPTH - 1) * window + 2 * pixels;
  }

  /** Adds of one pass over an axis of pixel pairs: Σ over output pairs (a, c) of (taps − 1). */
  private static double windowAdds(int[][] map, int otherAxis) {
    int out = map[0].length;
    double adds = 0;
    for (int a = 0; a < out; a++) {
      for (int c = 0; c < out; c++) {
        int taps = 0;
        for (int[] m : map) {
          if (m[a] >= 0 && m[c] >= 0) {
            taps++;
          }
        }
        adds += Math.max(taps - 1, 0);
      }
    }
    return adds;
  }

  /** Adds of one pass over an axis of the spatial diagonal. */
  private static double diagonalAdds(int[][] map) {
    double adds = 0;
    for (int a = 0; a < map[0].length; a++) {
      int taps = 0;
      for (int[] m : map) {
        if (m[a] >= 0) {
          taps++;
        }
      }
      adds += Math.max(taps - 1, 0);
    }
    return adds;
  }

  /** Best of five off-heap DGEMMs x·xᵀ, in GFLOP/s. */
  private static double dgemmRate(Matrix x) {
    int n = x.rows();
    double best = Double.POSITIVE_INFINITY;
    try (NativeMatrix a = NativeMatrix.of(x);
        NativeMatrix c = NativeMatrix.zeros(n, n)) {
      for (int rep = 0; rep < 5; rep++) {
        long t0 = System.nanoTime();
        Blas.gemm(1.0, a, false, a, true, 0.0, c);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return 2.0 * n * n * x.cols() / best / 1e9;
  }

  /** The CPU time of the whole process (all threads, the JIT's and GC's too). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peaks since the reset (an upper bound on the heap's peak). */
  private static double heapPeak() {
    double sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static String residentPeak() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring(6).trim();
        }
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "unknown";
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
