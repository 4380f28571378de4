package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matches the NNGP and NTK of 11 convolutional networks (CNN-VEC and CNN-GAP, depth 1–3, ReLU and
 * Erf, SAME / VALID / CIRCULAR, both parameterizations) to an independent float64 implementation of
 * neural-tangents' conventions ({@code golden/conv-kernels-golden.json}, see the README next to
 * it), each case's layers written in the spec's syntax.
 */
class ConvKernelsGoldenTest {
  private static final double RELATIVE = 1e-9;
  private static final double ABSOLUTE = 1e-12;
  private static final ImageShape SHAPE = new ImageShape(6, 6, 2);

  private static JsonNode golden;
  private static Matrix x1;
  private static Matrix x2;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        ConvKernelsGoldenTest.class.getResourceAsStream("/golden/conv-kernels-golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    x1 = images(golden.at("/inputs/A/x1"));
    x2 = images(golden.at("/inputs/A/x2"));
  }

  static Stream<String> cases() throws IOException {
    try (InputStream in =
        ConvKernelsGoldenTest.class.getResourceAsStream("/golden/conv-kernels-golden.json")) {
      List<String> names = new ArrayList<>();
      new ObjectMapper().readTree(in).get("cases").forEach(c -> names.add(c.get("name").asText()));
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheIndependentReference(String name) {
    JsonNode c = null;
    for (JsonNode candidate : golden.get("cases")) {
      if (candidate.get("name").asText().equals(name)) {
        c = candidate;
      }
    }
    Architecture arch =
        Architecture.parse(
            terms(c.get("layers")), c.get("W_std").asDouble(), c.get("b_std").asDouble());
    Parameterization parameterization = Parameterization.parse(c.get("parameterization").asText());
    Layer network = NeuralKernels.network(arch, parameterization, c.get("width").asInt(), SHAPE);
    assertEquals(c.get("diagonal_spatial").asBoolean(), !((ConvNetwork) network).fullSpatial());

    KernelState cross = NeuralKernels.tile(network, x1, 0, 4, x2, 0, 3);
    KernelState self = NeuralKernels.tile(network, x1, 0, 4, 0, 4);
    assertClose(c.get("nngp"), cross.nngp(), name + " nngp");
    assertClose(c.get("ntk"), cross.ntk(), name + " ntk");
    assertClose(c.get("nngp_11"), self.nngp(), name + " nngp_11");
    assertClose(c.get("ntk_11"), self.ntk(), name + " ntk_11");

    double[][] diagonal = NeuralKernels.diagonal(network, x1);
    for (int i = 0; i < 4; i++) {
      assertEquals(self.nngp().get(i, i), diagonal[0][i], 0.0, "NNGP diagonal " + i);
      assertEquals(self.ntk().get(i, i), diagonal[1][i], 0.0, "NTK diagonal " + i);
    }
  }

  /** The case's layers in the spec's term syntax. */
  private static List<String> terms(JsonNode layers) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : layers) {
      String type = l.get("type").asText();
      switch (type) {
        case "Conv" ->
            out.add(
                String.format(
                    Locale.ROOT,
                    "conv(filter=%dx%d, strides=%dx%d, padding=%s, W_std=%s, b_std=%s)",
                    l.at("/filter_shape/0").asInt(),
                    l.at("/filter_shape/1").asInt(),
                    l.at("/strides/0").asInt(),
                    l.at("/strides/1").asInt(),
                    l.get("padding").asText().toLowerCase(Locale.ROOT),
                    l.get("W_std").asText(),
                    l.get("b_std").asText()));
        case "Relu" -> out.add("relu");
        case "Erf" ->
            out.add(
                "erf(a="
                    + l.get("a").asText()
                    + ", b="
                    + l.get("b").asText()
                    + ", c="
                    + l.get("c").asText()
                    + ")");
        case "Flatten" -> out.add("flatten");
        case "GlobalAvgPool" -> out.add("global_avg_pool");
        case "Dense" ->
            out.add(
                "dense(W_std="
                    + l.get("W_std").asText()
                    + ", b_std="
                    + l.get("b_std").asText()
                    + ")");
        default -> throw new IllegalArgumentException("unknown golden layer " + type);
      }
    }
    return out;
  }

  private static void assertClose(JsonNode expected, Matrix actual, String what) {
    assertEquals(expected.size(), actual.rows(), what + " rows");
    double worst = 0;
    for (int i = 0; i < actual.rows(); i++) {
      assertEquals(expected.get(i).size(), actual.cols(), what + " cols");
      for (int j = 0; j < actual.cols(); j++) {
        double e = expected.get(i).get(j).asDouble();
        double a = actual.get(i, j);
        double excess = Math.abs(a - e) - (RELATIVE * Math.abs(e) + ABSOLUTE);
        worst = Math.max(worst, excess);
        assertTrue(
            excess <= 0,
            what
                + "["
                + i
                + "]["
                + j
                + "] = "
                + a
                + ", expected "
                + e
                + " (differs by "
                + (a - e)
                + ")");
      }
    }
  }

  /** NHWC nested arrays, one flattened image per row. */
  private static Matrix images(JsonNode n) {
    int count = n.size();
    double[] data = new double[count * SHAPE.features()];
    int at = 0;
    for (JsonNode image : n) {
      for (JsonNode row : image) {
        for (JsonNode pixel : row) {
          for (JsonNode channel : pixel) {
            data[at++] = channel.asDouble();
          }
        }
      }
    }
    assertEquals(data.length, at);
    return new Matrix(count, SHAPE.features(), data);
  }
}
