package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.Architecture.Readout;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The analytic convolutional NNGP and NTK against finite random CNNs (Novak et al. 2019; Arora et
 * al. 2019; neural-tangents' {@code monte_carlo_kernel_fn}). The finite network is written here in
 * plain loops, independently of the engine: NTK parameterization, 3×3 SAME convolutions with
 * weights N(0, 1) scaled by W_std/√(C_in·3·3) and biases b_std·N(0, 1) per channel, ReLU, then
 * flatten or global average pooling, then a dense readout scaled by W_std/√fan_in.
 *
 * <p>Each draw's NNGP estimate carries a sampling error ~ 1/√C (C channels: the hidden layers'
 * empirical covariances average C independent channels) and a bias ~ 1/C; at these widths the
 * sampling part dominates, so the typical error of a fixed number of draws halves per 4× channels.
 * A depth-1 net's empirical NTK is a mean of C independent channels' terms whose expectation is the
 * analytic NTK, so its typical error is exactly ∝ 1/√C. The tests measure the typical error as the
 * root mean square over independent batches of draws (one batch's error scatters too much to
 * compare widths by), and the error of all draws together at the largest width, which would expose
 * a wrong convention (padding, pooling, scaling) as a floor. Seeds are fixed, so the numbers are
 * deterministic; the class prints them. Measured: NNGP typical error 13%, 7.4%, 3.4% (VEC) and 15%,
 * 8.1%, 3.9% (GAP) at 4, 16, 64 channels, all draws at 64: 0.75% and 0.65%; NTK of one net 14%,
 * 7.3%, 3.7% (VEC) and 17%, 10%, 5.0% (GAP) at 16, 64, 256, the mean of 64 nets at 256: 0.31% and
 * 0.38%.
 */
class ConvMonteCarloTest {
  private static final ImageShape SHAPE = new ImageShape(5, 5, 2);
  private static final int INPUTS = 4;
  private static final double W_STD = 1.5;
  private static final double B_STD = 0.3;
  private static final int FILTER = 3;

  /**
   * NNGP: depth-2 nets; per width {@value #BATCHES} batches of {@value #BATCH} draws. The readout's
   * weights are integrated out: given the last features z, the mean of f(x)·f(x') over readout
   * draws is W²·⟨z, z'⟩/fan_in + b² exactly, which is what averaging over infinitely many readout
   * outputs would give (and what f·fᵀ/k over k outputs estimates); the conv layers stay random.
   */
  private static final int DEPTH = 2;

  private static final int[] CHANNELS = {4, 16, 64};
  private static final int BATCHES = 24;
  private static final int BATCH = 25;

  /** Relative Frobenius tolerance of all 600 draws at 64 channels. */
  private static final double NNGP_TOLERANCE = 0.02;

  /** NTK: depth-1 nets, one output, explicit gradients; per width this many single draws. */
  private static final int[] NTK_CHANNELS = {16, 64, 256};

  private static final int NTK_DRAWS = 64;

  /** Relative Frobenius tolerance of the mean of the draws at 256 channels. */
  private static final double NTK_TOLERANCE = 0.015;

  /** The typical error's ratio per 4× channels: 1/2 expected, this interval allowed. */
  private static final double[] STEP_RATIO = {0.3, 0.7};

  @ParameterizedTest
  @EnumSource(Readout.class)
  void empiricalNngpOfRandomCnnsApproachesTheAnalyticOneAsChannelsGrow(Readout readout) {
    Matrix x = ConvReductionsTest.gaussian(new SplittableRandom(17), INPUTS, SHAPE.features());
    Layer net =
        NeuralKernels.network(
            Architecture.cnn(DEPTH, Activation.RELU, FILTER, Padding.SAME, readout, W_STD, B_STD),
            Parameterization.NTK,
            0,
            SHAPE);
    double[] exact = NeuralKernels.tile(net, x, 0, INPUTS, 0, INPUTS).nngp().data();
    double[] typical = new double[CHANNELS.length];
    double[] all = new double[CHANNELS.length];
    for (int w = 0; w < CHANNELS.length; w++) {
      SplittableRandom random = new SplittableRandom(23 + w);
      double[] total = new double[exact.length];
      double squares = 0;
      for (int batch = 0; batch < BATCHES; batch++) {
        double[] mean = new double[exact.length];
        for (int draw = 0; draw < BATCH; draw++) {
          add(mean, empiricalNngp(x.data(), readout, CHANNELS[w], random), 1.0 / BATCH);
        }
        double e = relativeFrobenius(mean, exact);
        squares += e * e;
        add(total, mean, 1.0 / BATCHES);
      }
      typical[w] = Math.sqrt(squares / BATCHES);
      all[w] = relativeFrobenius(total, exact);
    }
    System.out.printf(
        "CNN-%s depth %d NNGP at channels %s: typical relative error of %d draws %s; of all %d"
            + " draws %s%n",
        readout == Readout.GAP ? "GAP" : "VEC",
        DEPTH,
        Arrays.toString(CHANNELS),
        BATCH,
        Arrays.toString(typical),
        BATCH * BATCHES,
        Arrays.toString(all));
    assertScalesDown(typical, CHANNELS);
    int last = CHANNELS.length - 1;
    assertTrue(
        all[last] < NNGP_TOLERANCE,
        "NNGP error " + all[last] + " at " + CHANNELS[last] + " channels");
  }

  @ParameterizedTest
  @EnumSource(Readout.class)
  void empiricalNtkOfWideCnnsApproachesTheAnalyticOne(Readout readout) {
    Matrix x = ConvReductionsTest.gaussian(new SplittableRandom(19), INPUTS, SHAPE.features());
    Layer net =
        NeuralKernels.network(
            Architecture.cnn(1, Activation.RELU, FILTER, Padding.SAME, readout, W_STD, B_STD),
            Parameterization.NTK,
            0,
            SHAPE);
    double[] exact = NeuralKernels.tile(net, x, 0, INPUTS, 0, INPUTS).ntk().data();
    double[] typical = new double[NTK_CHANNELS.length];
    double[] all = new double[NTK_CHANNELS.length];
    for (int w = 0; w < NTK_CHANNELS.length; w++) {
      SplittableRandom random = new SplittableRandom(29 + w);
      double[] total = new double[exact.length];
      double squares = 0;
      for (int draw = 0; draw < NTK_DRAWS; draw++) {
        double[] one = empiricalNtk(x.data(), readout, NTK_CHANNELS[w], random);
        double e = relativeFrobenius(one, exact);
        squares += e * e;
        add(total, one, 1.0 / NTK_DRAWS);
      }
      typical[w] = Math.sqrt(squares / NTK_DRAWS);
      all[w] = relativeFrobenius(total, exact);
    }
    System.out.printf(
        "CNN-%s depth 1 NTK at channels %s: typical relative error of one net %s; of the mean of"
            + " %d %s%n",
        readout == Readout.GAP ? "GAP" : "VEC",
        Arrays.toString(NTK_CHANNELS),
        Arrays.toString(typical),
        NTK_DRAWS,
        Arrays.toString(all));
    assertScalesDown(typical, NTK_CHANNELS);
    int last = NTK_CHANNELS.length - 1;
    assertTrue(
        all[last] < NTK_TOLERANCE,
        "NTK error " + all[last] + " at " + NTK_CHANNELS[last] + " channels");
  }

  private static void assertScalesDown(double[] errors, int[] channels) {
    for (int w = 1; w < errors.length; w++) {
      double ratio = errors[w] / errors[w - 1];
      assertTrue(
          ratio > STEP_RATIO[0] && ratio < STEP_RATIO[1],
          "typical error "
              + errors[w]
              + " at "
              + channels[w]
              + " channels against "
              + errors[w - 1]
              + " at "
              + channels[w - 1]
              + ": ratio "
              + ratio
              + ", expected about 1/2 (1/√4)");
    }
  }

  // ---------------------------------------------------------------- the finite network

  /** One draw's W²·⟨z(x), z(x')⟩/fan_in + b², z the reduced last hidden layer; row-major n × n. */
  private static double[] empiricalNngp(
      double[] x, Readout readout, int channels, SplittableRandom random) {
    double[] z = x;
    int c = SHAPE.channels();
    for (int layer = 0; layer < DEPTH; layer++) {
      z = conv(z, c, channels, random);
      c = channels;
      relu(z);
    }
    double[][] features = reduce(z, readout, channels);
    double scale = W_STD * W_STD / features[0].length;
    double[] k = new double[INPUTS * INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      for (int j = 0; j < INPUTS; j++) {
        k[i * INPUTS + j] = scale * dot(features[i], features[j]) + B_STD * B_STD;
      }
    }
    return k;
  }

  /**
   * One draw's Σ_θ ∂f(x)/∂θ·∂f(x')/∂θ for one output f = readout(reduce(relu(conv x))). With
   * a_pc(x) = ∂f/∂z_pc·relu'(h_pc(x)) and X_p the 3×3×C_in window of pixel p: the readout gives
   * (W²/fan_in)·⟨z, z'⟩ + b²; the conv weights (W²/(9·C_in))·Σ_c ⟨Σ_p a_pc X_p, Σ_q a'_qc X'_q⟩;
   * the conv biases b²·Σ_c (Σ_p a_pc)(Σ_q a'_qc).
   */
  private static double[] empiricalNtk(
      double[] x, Readout readout, int channels, SplittableRandom random) {
    int pixels = SHAPE.pixels();
    int cin = SHAPE.channels();
    int window = FILTER * FILTER * cin;
    double[] h = conv(x, cin, channels, random);
    double[] z = h.clone();
    relu(z);
    double[][] features = reduce(z, readout, channels);
    int fanIn = features[0].length;
    double readScale = W_STD / Math.sqrt(fanIn);
    double[] v = new double[fanIn];
    for (int i = 0; i < fanIn; i++) {
      v[i] = random.nextGaussian();
    }
    double convScale = W_STD / Math.sqrt(window);
    double[][] weightGrad = new double[INPUTS][window * channels];
    double[][] biasGrad = new double[INPUTS][channels];
    double[] patch = new double[window];
    double[] a = new double[channels];
    for (int i = 0; i < INPUTS; i++) {
      for (int p = 0; p < pixels; p++) {
        patch(x, i, p, cin, patch);
        for (int c = 0; c < channels; c++) {
          double dz = readout == Readout.GAP ? v[c] / pixels : v[p * channels + c];
          a[c] = h[(i * pixels + p) * channels + c] > 0 ? readScale * dz : 0.0;
          biasGrad[i][c] += B_STD * a[c];
        }
        for (int e = 0; e < window; e++) {
          double xe = convScale * patch[e];
          if (xe == 0) {
            continue;
          }
          double[] g = weightGrad[i];
          int at = e * channels;
          for (int c = 0; c < channels; c++) {
            g[at + c] += xe * a[c];
          }
        }
      }
    }
    double[] theta = new double[INPUTS * INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      for (int j = 0; j < INPUTS; j++) {
        theta[i * INPUTS + j] =
            readScale * readScale * dot(features[i], features[j])
                + B_STD * B_STD
                + dot(weightGrad[i], weightGrad[j])
                + dot(biasGrad[i], biasGrad[j]);
      }
    }
    return theta;
  }

  /**
   * A 3×3 SAME convolution of images laid out (example, pixel, channel): weights ~ N(0, 1) scaled
   * by W_std/√(9·C_in), plus b_std·N(0, 1) per output channel.
   */
  private static double[] conv(double[] z, int cin, int cout, SplittableRandom random) {
    int pixels = SHAPE.pixels();
    int window = FILTER * FILTER * cin;
    double[] weights = new double[window * cout];
    for (int e = 0; e < weights.length; e++) {
      weights[e] = random.nextGaussian();
    }
    double[] bias = new double[cout];
    for (int c = 0; c < cout; c++) {
      bias[c] = B_STD * random.nextGaussian();
    }
    double scale = W_STD / Math.sqrt(window);
    double[] out = new double[INPUTS * pixels * cout];
    double[] patch = new double[window];
    double[] acc = new double[cout];
    for (int i = 0; i < INPUTS; i++) {
      for (int p = 0; p < pixels; p++) {
        patch(z, i, p, cin, patch);
        Arrays.fill(acc, 0.0);
        for (int e = 0; e < window; e++) {
          double xe = patch[e];
          if (xe == 0) {
            continue;
          }
          int at = e * cout;
          for (int c = 0; c < cout; c++) {
            acc[c] += xe * weights[at + c];
          }
        }
        int to = (i * pixels + p) * cout;
        for (int c = 0; c < cout; c++) {
          out[to + c] = scale * acc[c] + bias[c];
        }
      }
    }
    return out;
  }

  /**
   * The 3×3 window around pixel p of example i, (u, v, channel) in order; zeros outside the image
   * (SAME padding: one pixel on each side for an odd filter).
   */
  private static void patch(double[] z, int i, int p, int cin, double[] out) {
    int h = SHAPE.height();
    int w = SHAPE.width();
    int a = p / w;
    int b = p % w;
    int half = FILTER / 2;
    Arrays.fill(out, 0.0);
    for (int u = 0; u < FILTER; u++) {
      for (int v = 0; v < FILTER; v++) {
        int ia = a + u - half;
        int ib = b + v - half;
        if (ia >= 0 && ia < h && ib >= 0 && ib < w) {
          System.arraycopy(z, ((i * h + ia) * w + ib) * cin, out, (u * FILTER + v) * cin, cin);
        }
      }
    }
  }

  /** Per example: flatten (pixels·C features) or the mean over pixels (C features). */
  private static double[][] reduce(double[] z, Readout readout, int channels) {
    int pixels = SHAPE.pixels();
    int size = pixels * channels;
    double[][] out = new double[INPUTS][];
    for (int i = 0; i < INPUTS; i++) {
      if (readout == Readout.FLATTEN) {
        out[i] = Arrays.copyOfRange(z, i * size, (i + 1) * size);
      } else {
        out[i] = new double[channels];
        for (int p = 0; p < pixels; p++) {
          for (int c = 0; c < channels; c++) {
            out[i][c] += z[i * size + p * channels + c] / pixels;
          }
        }
      }
    }
    return out;
  }

  private static void relu(double[] d) {
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.max(d[i], 0.0);
    }
  }

  private static void add(double[] into, double[] what, double weight) {
    for (int i = 0; i < into.length; i++) {
      into[i] += weight * what[i];
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double relativeFrobenius(double[] estimate, double[] exact) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < exact.length; i++) {
      double e = estimate[i] - exact[i];
      num += e * e;
      den += exact[i] * exact[i];
    }
    return Math.sqrt(num / den);
  }
}
