package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Kernel-space layers following neural-tangents' {@code stax} conventions (Novak et al. 2020,
 * "Neural Tangents: Fast and Easy Infinite Neural Networks in Python"). Each activation maps the
 * NNGP by T(K) = E[φ(u)φ(v)] and the NTK by Θ ← Θ ⊙ Ṫ(K), Ṫ(K) = E[φ'(u)φ'(v)], with (u, v) ~ N(0,
 * [[K₁₁, K₁₂], [K₁₂, K₂₂]]) (Jacot et al. 2018; Lee et al. 2019).
 */
public final class Layers {
  /** Blocks with at least this many entries run their elementwise loops on several threads. */
  private static final int PARALLEL_ENTRIES = 1 << 14;

  private static final double INV_TWO_PI = 1.0 / (2.0 * Math.PI);
  private static final double TWO_OVER_PI = 2.0 / Math.PI;
  private static final double FOUR_OVER_PI = 4.0 / Math.PI;

  private Layers() {}

  /**
   * A fully-connected layer (neural-tangents' {@code Dense(W_std, b_std, parameterization)}), with
   * a trainable bias even when {@code bStd} is 0, as neural-tangents does for a numeric {@code
   * b_std}.
   *
   * <ul>
   *   <li>NTK parameterization, h = (W_std/√N_in)·W·x + b_std·b: K ← W_std²·K + b_std², Θ ← K_new +
   *       W_std²·Θ (Jacot et al. 2018).
   *   <li>Standard parameterization, h = W·x + b with W ~ N(0, W_std²/N_in), b ~ N(0, b_std²): K ←
   *       W_std²·K + b_std², Θ ← N_in·K_old + 1 + W_std²·Θ, the 1 from the bias (Sohl-Dickstein et
   *       al. 2020, "On the infinite width limit of neural networks with a standard
   *       parameterization"; neural-tangents' {@code Dense}). N_in·K_old is the gradient with
   *       respect to W, since K_old = x·x'/N_in.
   * </ul>
   *
   * @param inputWidth N_in, the finite width of the layer's input; read only by the standard
   *     parameterization. 0 takes it from the incoming state, which knows it at the input (d).
   * @throws IllegalArgumentException for negative or non-finite standard deviations or widths; when
   *     applied in standard parameterization with no known input width
   */
  public static Layer dense(
      double wStd, double bStd, Parameterization parameterization, int inputWidth) {
    requireStd("W_std", wStd);
    requireStd("b_std", bStd);
    if (parameterization == null) {
      throw new IllegalArgumentException("parameterization must be given (ntk or standard)");
    }
    if (inputWidth < 0) {
      throw new IllegalArgumentException(
          "input width must be positive or 0 (from the state), got " + inputWidth);
    }
    return new Dense(wStd, bStd, parameterization, inputWidth);
  }

  /**
   * ReLU, φ(x) = max(x, 0), by the degree-1 arc-cosine kernel (Cho &amp; Saul 2009, "Kernel Methods
   * for Deep Learning"; neural-tangents' {@code ABRelu(0, 1)}):
   *
   * <pre>
   *   T(K) = (√(K₁₁K₂₂ − K₁₂²) + (π − θ)·K₁₂) / (2π),   Ṫ(K) = (π − θ) / (2π),
   *   θ = atan2(√(K₁₁K₂₂ − K₁₂²), K₁₂).
   * </pre>
   *
   * The angle comes from atan2, as in neural-tangents, rather than arccos(K₁₂/√(K₁₁K₂₂)): no cosine
   * pushed past ±1 by rounding needs clipping, and θ is exactly 0 on the diagonal. For nearly
   * parallel inputs the angle stays ill-conditioned in K itself (a relative error ε in K₁₂ moves θ
   * by about ε/θ), which is why consistent variances matter (see {@link KernelState}).
   */
  public static Layer relu() {
    return Elementwise.RELU;
  }

  /**
   * φ(x) = erf(x) (neural-tangents' {@code Erf(a=1, b=1, c=0)}), by Williams' closed form (Williams
   * 1997, "Computing with Infinite Networks"):
   *
   * <pre>
   *   T(K) = (2/π)·arcsin(2K₁₂ / √((1 + 2K₁₁)(1 + 2K₂₂))),
   *   Ṫ(K) = (4/π) / √((1 + 2K₁₁)(1 + 2K₂₂) − 4K₁₂²).
   * </pre>
   *
   * The arcsine is evaluated as atan2(2K₁₂, √D) with D = 1 + 2(K₁₁ + K₂₂) + 4(K₁₁K₂₂ − K₁₂²) the
   * same determinant Ṫ uses, which avoids cancellation near |argument| = 1.
   */
  public static Layer erf() {
    return Elementwise.ERF;
  }

  /** φ(x) = x: T(K) = K, Ṫ(K) = 1; returns its input. */
  public static Layer identity() {
    return Identity.INSTANCE;
  }

  /**
   * The kernel layer of a pointwise activation.
   *
   * @throws IllegalArgumentException if the activation has no closed-form kernel here
   */
  public static Layer activation(Activation activation) {
    if (activation == null) {
      throw new IllegalArgumentException("activation must be given");
    }
    return switch (activation) {
      case RELU -> relu();
      case ERF -> erf();
      case IDENTITY -> identity();
      default ->
          throw new IllegalArgumentException(
              "no closed-form kernel for activation "
                  + activation.id()
                  + "; supported: relu, erf, identity");
    };
  }

  /** The layers applied one after another (neural-tangents' {@code serial}). */
  public static Layer serial(Layer... layers) {
    List<Layer> list = List.of(layers);
    return new Serial(list);
  }

  private static void requireStd(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and non-negative, got " + value);
    }
  }

  private record Dense(double wStd, double bStd, Parameterization parameterization, int inputWidth)
      implements Layer {
    @Override
    public KernelState apply(KernelState in) {
      double w2 = wStd * wStd;
      double b2 = bStd * bStd;
      double[] k = in.nngp().data();
      double[] theta = in.ntk().data();
      double[] kNew = new double[k.length];
      double[] thetaNew = new double[k.length];
      if (parameterization == Parameterization.NTK) {
        for (int i = 0; i < k.length; i++) {
          kNew[i] = w2 * k[i] + b2;
          thetaNew[i] = kNew[i] + w2 * theta[i];
        }
      } else {
        int nIn = inputWidth > 0 ? inputWidth : in.width();
        if (nIn == 0) {
          throw new IllegalArgumentException(
              "a standard-parameterization Dense needs its input width N_in (Θ ← N_in·K + 1 + W²Θ),"
                  + " but none was given and the incoming state does not know it");
        }
        for (int i = 0; i < k.length; i++) {
          kNew[i] = w2 * k[i] + b2;
          thetaNew[i] = nIn * k[i] + 1.0 + w2 * theta[i];
        }
      }
      double[] var1 = affine(in.var1(), w2, b2);
      double[] var2 = in.symmetric() ? var1 : affine(in.var2(), w2, b2);
      return in.with(
          new Matrix(in.rows(), in.cols(), kNew),
          new Matrix(in.rows(), in.cols(), thetaNew),
          var1,
          var2,
          0);
    }

    private static double[] affine(double[] v, double w2, double b2) {
      double[] out = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = w2 * v[i] + b2;
      }
      return out;
    }

    @Override
    public String toString() {
      return "Dense(W_std=" + wStd + ", b_std=" + bStd + ", " + parameterization.id() + ")";
    }
  }

  private enum Identity implements Layer {
    INSTANCE;

    @Override
    public KernelState apply(KernelState in) {
      return in;
    }

    @Override
    public String toString() {
      return "Identity()";
    }
  }

  private record Serial(List<Layer> layers) implements Layer {
    @Override
    public KernelState apply(KernelState in) {
      KernelState state = in;
      for (Layer layer : layers) {
        state = layer.apply(state);
      }
      return state;
    }

    @Override
    public String toString() {
      return "Serial" + layers;
    }
  }

  /** An activation with a closed-form (T, Ṫ), applied entry by entry. */
  private enum Elementwise implements Layer {
    RELU {
      @Override
      void transform(double k11, double k12, double k22, double[] t, double[] tDot, int at) {
        double s = Math.sqrt(Math.max(k11 * k22 - k12 * k12, 0.0));
        double piMinusTheta = Math.PI - Math.atan2(s, k12);
        t[at] = (s + piMinusTheta * k12) * INV_TWO_PI;
        tDot[at] = piMinusTheta * INV_TWO_PI;
      }

      @Override
      public String toString() {
        return "Relu()";
      }
    },
    ERF {
      @Override
      void transform(double k11, double k12, double k22, double[] t, double[] tDot, int at) {
        double det = 1.0 + 2.0 * (k11 + k22) + 4.0 * Math.max(k11 * k22 - k12 * k12, 0.0);
        double root = Math.sqrt(det);
        t[at] = TWO_OVER_PI * Math.atan2(2.0 * k12, root);
        tDot[at] = FOUR_OVER_PI / root;
      }

      @Override
      public String toString() {
        return "Erf()";
      }
    };

    /** Writes T(K) into {@code t[at]} and Ṫ(K) into {@code tDot[at]}. */
    abstract void transform(double k11, double k12, double k22, double[] t, double[] tDot, int at);

    @Override
    public KernelState apply(KernelState in) {
      int rows = in.rows();
      int cols = in.cols();
      boolean symmetric = in.symmetric();
      double[] k = in.nngp().data();
      double[] theta = in.ntk().data();
      double[] var1 = in.var1();
      double[] var2 = in.var2();
      double[] kNew = new double[k.length];
      double[] thetaNew = new double[k.length];
      IntStream range = IntStream.range(0, rows);
      if ((long) rows * cols >= PARALLEL_ENTRIES) {
        range = range.parallel();
      }
      range.forEach(
          i -> {
            double v1 = var1[i];
            int row = i * cols;
            for (int j = symmetric ? i : 0; j < cols; j++) {
              transform(v1, k[row + j], var2[j], kNew, thetaNew, row + j);
              thetaNew[row + j] *= theta[row + j];
            }
          });
      double[] newVar1 = variances(var1);
      double[] newVar2 = symmetric ? newVar1 : variances(var2);
      if (symmetric) {
        for (int i = 0; i < rows; i++) {
          kNew[i * cols + i] = newVar1[i];
          for (int j = 0; j < i; j++) {
            kNew[i * cols + j] = kNew[j * cols + i];
            thetaNew[i * cols + j] = thetaNew[j * cols + i];
          }
        }
      }
      return in.with(
          new Matrix(rows, cols, kNew),
          new Matrix(rows, cols, thetaNew),
          newVar1,
          newVar2,
          in.width());
    }

    /** T(v, v, v): the same arithmetic as a diagonal entry, so blocks stay consistent. */
    private double[] variances(double[] var) {
      double[] out = new double[var.length];
      double[] unused = new double[var.length];
      for (int i = 0; i < var.length; i++) {
        transform(var[i], var[i], var[i], out, unused, i);
      }
      return out;
    }
  }
}
