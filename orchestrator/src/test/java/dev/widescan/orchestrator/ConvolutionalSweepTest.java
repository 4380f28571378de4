package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.data.Preprocessing;
import dev.widescan.workers.data.Subset;
import dev.widescan.workers.data.Targets;
import dev.widescan.workers.infer.KernelRegression;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.kernel.TestBlock;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Convolutional kernels through the API: shorthands, layer lists, image data sets, bad layers. */
@QuarkusTest
class ConvolutionalSweepTest {
  private static final double W_STD = 1.4142135623730951;

  @Test
  void aCnnVecSweepOnFashionMnistGivesTheEnginesNumbers() {
    long id =
        Sweeps.submit(
            """
            name: cnn-vec
            dataset: {name: fashion-mnist, train: 200, test: 100}
            model: {family: cnn, readout: flatten, activation: relu, depth: [1, 2],
                    W_std: 1.4142135623730951, b_std: 0.1}
            kernel: {diag_reg: [0.001], t: [inf]}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    assertEquals(4, rows.getList("$").size(), rows.prettyPrint());

    LoadedDataset data =
        DatasetRegistry.forPath("target/test-datasets:/usr/share/datasets")
            .load(
                new DatasetRequest(
                    "fashion-mnist",
                    200,
                    100,
                    Subset.parse("first"),
                    Preprocessing.parse("standardize"),
                    Targets.parse("centred")));
    for (int depth : new int[] {1, 2}) {
      Architecture arch =
          Architecture.cnn(
              depth, Activation.RELU, 3, Padding.SAME, Architecture.Readout.FLATTEN, W_STD, 0.1);
      Layer network = NeuralKernels.network(arch, Parameterization.NTK, 0, data.data().shape());
      KernelBlocks k =
          NeuralKernels.compute(
              network, data.data().xTrain(), data.data().xTest(), TestBlock.DIAGONAL);
      double expected =
          Metrics.accuracy(
              KernelRegression.nngp(
                      k.nngpTrainTrain(),
                      k.nngpTestTrain(),
                      data.trainTargets(),
                      new double[] {1e-3})
                  .get(0)
                  .mean(),
              data.data().yTest());
      double served =
          rows.getDouble("find { it.model == 'nngp' && it.depth == " + depth + " }.test_accuracy");
      assertEquals(expected, served, 1e-12, "depth " + depth);
      // Ten classes: chance is 0.1; CNN-GP kernels on 200 images do far better.
      assertTrue(served > 0.5, rows.prettyPrint());
    }
  }

  @Test
  void aCnnGapLayerListWithPoolingRunsAndASecondSweepReusesItsUnits() {
    String spec =
        """
        name: cnn-gap
        dataset: {name: fashion-mnist, train: 60, test: 40}
        model:
          layers: [avg_pool(window=4), "conv(filter=3, padding=same)", relu, conv(filter=3), relu,
                   global_avg_pool, dense]
          W_std: 1.4142135623730951
          b_std: 0.1
        kernel: {diag_reg: [0.0001, 0.01], t: [inf]}
        """;
    long id = Sweeps.submit(spec);
    JsonPath done = Sweeps.awaitFinished(id);
    assertEquals("done", done.getString("status"), done.prettyPrint());
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    // NNGP and NTK at 2 diag_reg each.
    assertEquals(4, rows.getList("$").size(), rows.prettyPrint());
    for (Object accuracy : rows.getList("test_accuracy")) {
      assertTrue(((Number) accuracy).doubleValue() > 0.4, rows.prettyPrint());
    }
    long again = Sweeps.submit(spec);
    JsonPath second = Sweeps.awaitFinished(again);
    assertEquals("done", second.getString("status"));
    assertEquals(
        rows.getList("test_accuracy"),
        given().get("/api/sweeps/" + again + "/results").jsonPath().getList("test_accuracy"));
  }

  @Test
  void refusesLayersThatDoNotFitTheDataAndNamesTheLayer() {
    int before = given().get("/api/sweeps").jsonPath().getList("$").size();
    reject(
        "fashion-mnist",
        "[conv(filter=3), relu, avg_pool(window=32), global_avg_pool, dense]",
        "layer 3 (avg_pool(window=32)): the pooling window 32 is larger than the 28x28 image");
    reject(
        "teacher:classes=4,d=16,hidden=32,seed=7",
        "[conv(filter=3), relu, flatten, dense]",
        "layer 1 (conv(filter=3)): the dataset has no image shape");
    reject(
        "fashion-mnist",
        "[conv(filter=3), flatten, relu, global_avg_pool, dense]",
        "layer 4 (global_avg_pool): the image is already reduced");
    reject("fashion-mnist", "[conv(filter=3), relu, flatten]", "the readout and must be dense");
    assertEquals(before, given().get("/api/sweeps").jsonPath().getList("$").size());
  }

  @Test
  void runsOnARankFourNpzDataSetInADataDirectory() throws IOException {
    Path dir = Path.of("target/test-datasets/tiny-rgb");
    Files.createDirectories(dir);
    writeNpz(dir.resolve("tiny-rgb.npz"), 40, 20, 8, 8, 3);
    JsonPath datasets = given().get("/api/datasets").jsonPath();
    assertEquals(
        List.of(8, 8, 3), datasets.getList("datasets.find { it.name == 'tiny-rgb' }.shape"));
    long id =
        Sweeps.submit(
            """
            name: tiny-rgb
            dataset: {name: tiny-rgb, train: 40, test: 20}
            model: {family: cnn, readout: [flatten, gap], activation: relu, depth: 2, W_std: 1.5}
            kernel: {diag_reg: [0.001], t: [inf]}
            """);
    JsonPath done = Sweeps.awaitFinished(id);
    assertEquals("done", done.getString("status"), done.prettyPrint());
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    assertEquals(4, rows.getList("$").size());
    // The labels are the brightest channel of the image's centre: a conv kernel learns it.
    for (Object accuracy : rows.getList("test_accuracy")) {
      assertTrue(((Number) accuracy).doubleValue() > 0.5, rows.prettyPrint());
    }
  }

  private static void reject(String dataset, String layers, String message) {
    given()
        .contentType("application/yaml")
        .body(
            ("name: bad\ndataset: {name: \""
                    + dataset
                    + "\", train: 20, test: 10}\nmodel: {layers: "
                    + layers
                    + ", W_std: 1}\nkernel: {diag_reg: 0.001}\n")
                .getBytes(StandardCharsets.UTF_8))
        .post("/api/sweeps")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("model.layers"))
        .body("errors[0].message", containsString(message));
  }

  /** An .npz of NHWC float64 images whose label is the channel brightest at the centre. */
  private static void writeNpz(Path file, int train, int test, int h, int w, int c)
      throws IOException {
    Random random = new Random(11);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String split : List.of("train", "test")) {
        int n = split.equals("train") ? train : test;
        double[] x = new double[n * h * w * c];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          int label = i % c;
          y[i] = label;
          for (int p = 0; p < h * w; p++) {
            for (int ch = 0; ch < c; ch++) {
              int row = p / w;
              int col = p % w;
              boolean centre = Math.abs(row - h / 2) <= 1 && Math.abs(col - w / 2) <= 1;
              x[(i * h * w + p) * c + ch] =
                  random.nextGaussian() + (centre && ch == label ? 3.0 : 0.0);
            }
          }
        }
        entry(zip, "x_" + split + ".npy", npy("<f8", new long[] {n, h, w, c}, doubles(x)));
        entry(zip, "y_" + split + ".npy", npy("<i8", new long[] {n}, longs(y)));
      }
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  private static byte[] npy(String descr, long[] shape, byte[] data) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long s : shape) {
      dims.append(s).append(", ");
    }
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': False, 'shape': ("
            + (shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2))
            + "), }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    return out.toByteArray();
  }

  private static byte[] doubles(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double d : v) {
      b.putDouble(d);
    }
    return b.array();
  }

  private static byte[] longs(long[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long d : v) {
      b.putLong(d);
    }
    return b.array();
  }
}
