package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widescan.workers.data.IdxReader;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Prediction;
import dev.widescan.workers.infer.Targets;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matches the kernels and predictions of 30 fully-connected networks to an independent float64
 * implementation of neural-tangents' conventions ({@code golden/fc-kernels-golden.json}, see the
 * README next to it).
 *
 * <p>Error measure: max |actual − expected| over a block divided by max |expected| in that block.
 * Elementwise relative error is ill-posed for entries near zero (test × train NNGP values of nearly
 * orthogonal images, small prediction entries), and the block scale is what matters downstream.
 */
class FcKernelsGoldenTest {
  private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
  private static final double TOLERANCE = 1e-8;
  private static final String[] BLOCKS = {
    "nngp_train_train", "nngp_test_train", "nngp_test_test",
    "ntk_train_train", "ntk_test_train", "ntk_test_test"
  };

  private static JsonNode golden;
  private static Matrix xTrain;
  private static Matrix xTest;
  private static double worstError;
  private static String worstWhere = "";

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        FcKernelsGoldenTest.class.getResourceAsStream("/golden/fc-kernels-golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    xTrain = standardize(IdxReader.readImages(FASHION.resolve("train-images-idx3-ubyte.gz"), 8));
    xTest = standardize(IdxReader.readImages(FASHION.resolve("t10k-images-idx3-ubyte.gz"), 4));
  }

  @AfterAll
  static void report() {
    System.out.printf("golden: worst block-relative error %.3g (%s)%n", worstError, worstWhere);
  }

  /** pixels/255, then per image (x − mean)/std with the population standard deviation. */
  private static Matrix standardize(Matrix raw) {
    int d = raw.cols();
    double[] out = new double[raw.data().length];
    for (int i = 0; i < raw.rows(); i++) {
      double mean = 0;
      for (int j = 0; j < d; j++) {
        out[i * d + j] = raw.get(i, j) / 255.0;
        mean += out[i * d + j];
      }
      mean /= d;
      double var = 0;
      for (int j = 0; j < d; j++) {
        out[i * d + j] -= mean;
        var += out[i * d + j] * out[i * d + j];
      }
      double std = Math.sqrt(var / d);
      for (int j = 0; j < d; j++) {
        out[i * d + j] /= std;
      }
    }
    return new Matrix(raw.rows(), d, out);
  }

  @Test
  void preprocessingMatchesTheReferenceChecksums() {
    double sum = 0;
    double sq = 0;
    for (double v : xTrain.data()) {
      sum += v;
      sq += v * v;
    }
    assertEquals(golden.get("x_train_sum").asDouble(), sum, 1e-10);
    assertEquals(golden.get("x_train_sq_sum").asDouble(), sq, 1e-9);
    JsonNode first = golden.get("x_train_first10_pixels_img0");
    for (int j = 0; j < 10; j++) {
      assertEquals(first.get(j).asDouble(), xTrain.get(0, j), 1e-13, "pixel " + j);
    }
    JsonNode middle = golden.get("x_train_pixels_img0_150_160");
    for (int j = 0; j < 10; j++) {
      assertEquals(middle.get(j).asDouble(), xTrain.get(0, 150 + j), 1e-13, "pixel " + (150 + j));
    }
  }

  static Stream<Arguments> cases() throws IOException {
    try (InputStream in =
        FcKernelsGoldenTest.class.getResourceAsStream("/golden/fc-kernels-golden.json")) {
      JsonNode all = new ObjectMapper().readTree(in).get("cases");
      List<Arguments> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        JsonNode c = all.get(i);
        out.add(
            Arguments.of(
                i,
                c.get("act").asText(),
                c.get("W_var").asDouble(),
                c.get("b_var").asDouble(),
                c.get("depth").asInt()));
      }
      return out.stream();
    }
  }

  @ParameterizedTest(name = "[{0}] {1} W_var={2} b_var={3} depth={4}")
  @MethodSource("cases")
  void kernelsAndPredictionsMatchTheReference(
      int index, String act, double wVar, double bVar, int depth) {
    JsonNode c = golden.get("cases").get(index);
    FcArchitecture arch =
        new FcArchitecture(
            depth,
            Activation.parse(act),
            Math.sqrt(wVar),
            Math.sqrt(bVar),
            Parameterization.NTK,
            0);
    KernelBlocks k = NeuralKernels.fc(arch, xTrain, xTest);
    Matrix[] blocks = {
      k.nngpTrainTrain(), k.nngpTestTrain(), k.nngpTestTest(),
      k.ntkTrainTrain(), k.ntkTestTrain(), k.ntkTestTest()
    };
    String label = act + " W_var=" + wVar + " b_var=" + bVar + " depth=" + depth;
    for (int b = 0; b < BLOCKS.length; b++) {
      assertMatches(c.get(BLOCKS[b]), blocks[b], label + " " + BLOCKS[b]);
    }

    int[] labels = ints(golden.get("train_labels"));
    Matrix y = Targets.oneHot(labels, 10, 0.1);
    Prediction nngp =
        KernelRegression.nngp(k.nngpTrainTrain(), k.nngpTestTrain(), y, new double[] {1e-2}).get(0);
    assertMatches(c.get("nngp_mean_reg1e-2"), nngp.mean(), label + " nngp_mean_reg1e-2");
    Prediction tInf =
        KernelRegression.ntk(
                k.ntkTrainTrain(),
                k.ntkTestTrain(),
                y,
                new double[] {1e-4},
                new double[] {Double.POSITIVE_INFINITY})
            .get(0);
    assertMatches(c.get("ntk_mean_tinf_reg1e-4"), tInf.mean(), label + " ntk_mean_tinf_reg1e-4");
    Prediction t10 =
        KernelRegression.ntk(
                k.ntkTrainTrain(), k.ntkTestTrain(), y, new double[] {0}, new double[] {10})
            .get(0);
    assertMatches(c.get("ntk_mean_t10_reg0"), t10.mean(), label + " ntk_mean_t10_reg0");
  }

  private static void assertMatches(JsonNode expected, Matrix actual, String where) {
    assertEquals(expected.size(), actual.rows(), where + ": rows");
    double scale = 0;
    for (int i = 0; i < actual.rows(); i++) {
      assertEquals(expected.get(i).size(), actual.cols(), where + ": cols");
      for (int j = 0; j < actual.cols(); j++) {
        scale = Math.max(scale, Math.abs(expected.get(i).get(j).asDouble()));
      }
    }
    double worst = 0;
    for (int i = 0; i < actual.rows(); i++) {
      for (int j = 0; j < actual.cols(); j++) {
        worst = Math.max(worst, Math.abs(actual.get(i, j) - expected.get(i).get(j).asDouble()));
      }
    }
    double blockScale = scale;
    double relative = worst / scale;
    synchronized (FcKernelsGoldenTest.class) {
      if (relative > worstError) {
        worstError = relative;
        worstWhere = where;
      }
    }
    assertTrue(
        relative <= TOLERANCE,
        () ->
            where
                + ": error "
                + relative
                + " of the block's scale "
                + blockScale
                + " exceeds "
                + TOLERANCE);
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
