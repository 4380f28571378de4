package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leading average pools run on the images instead of their pixel × pixel kernels: pooling K₀ =
 * x·x'ᵀ/C on both sides is K₀ of the pooled images. Checked against the same network with an
 * identity dense layer (W_std = 1, b_std = 0 leaves K unchanged and sets Θ = K, before or after a
 * pool alike) first, which makes the engine pool the kernel itself.
 */
class ConvInputPoolingTest {
  private static final ImageShape SHAPE = new ImageShape(9, 9, 2);

  @ParameterizedTest
  @ValueSource(strings = {"padding=valid", "padding=same"})
  void poolingTheImagesEqualsPoolingTheirKernels(String padding) {
    String pool = "avg_pool(window=2, " + padding + ")";
    String rest = ", conv(filter=3), relu, conv(filter=3), erf, global_avg_pool, dense";
    Layer onImages = network("[" + pool + ", dense(W_std=1, b_std=0)" + rest + "]");
    Layer onKernels = network("[dense(W_std=1, b_std=0), " + pool + rest + "]");
    Matrix x = images(5, 1);
    Matrix y = images(3, 2);
    for (boolean symmetric : new boolean[] {true, false}) {
      KernelState a =
          symmetric
              ? NeuralKernels.tile(onImages, x, 0, 5, 0, 5)
              : NeuralKernels.tile(onImages, x, 0, 5, y, 0, 3);
      KernelState b =
          symmetric
              ? NeuralKernels.tile(onKernels, x, 0, 5, 0, 5)
              : NeuralKernels.tile(onKernels, x, 0, 5, y, 0, 3);
      assertClose(b.nngp(), a.nngp());
      assertClose(b.ntk(), a.ntk());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"flatten", "global_avg_pool"})
  void aLeadingPoolAloneDoesNotForceTheFullPixelState(String readout) {
    ConvNetwork net =
        (ConvNetwork) network("[avg_pool(window=3), conv(filter=3), relu, " + readout + ", dense]");
    assertEquals(readout.equals("global_avg_pool"), net.fullSpatial());
    ConvNetwork pooledLater =
        (ConvNetwork) network("[conv(filter=3), relu, avg_pool(window=3), flatten, dense]");
    assertTrue(pooledLater.fullSpatial());
    assertFalse(((ConvNetwork) network("[conv(filter=3), relu, flatten, dense]")).fullSpatial());
  }

  private static Layer network(String layers) {
    List<String> terms =
        List.of(layers.substring(1, layers.length() - 1).split(",\\s*(?![^(]*\\))"));
    return NeuralKernels.network(
        Architecture.parse(terms, 1.5, 0.2), Parameterization.NTK, 0, SHAPE);
  }

  private static Matrix images(int n, long seed) {
    Random r = new Random(seed);
    double[] d = new double[n * SHAPE.features()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    return new Matrix(n, SHAPE.features(), d);
  }

  private static void assertClose(Matrix expected, Matrix actual) {
    for (int i = 0; i < expected.rows(); i++) {
      for (int j = 0; j < expected.cols(); j++) {
        double e = expected.get(i, j);
        assertEquals(e, actual.get(i, j), 1e-12 * Math.abs(e) + 1e-15, "entry " + i + "," + j);
      }
    }
  }
}
