package dev.widescan.workers.arch;

import dev.widescan.workers.nn.Activation;
import java.util.StringJoiner;

/**
 * One layer of an architecture as a spec writes it (neural-tangents' {@code stax} layers): the same
 * term drives the infinite-width kernel and the finite network. Weighted layers take their W_std
 * and b_std from the model unless they give their own ({@code null} = the model's).
 */
public sealed interface LayerTerm {

  /** The canonical spelling, parameters equal to their defaults (or to the model's) left out. */
  String canonical(double modelWStd, double modelBStd);

  /** Whether the layer needs the spatial axes of an image (conv, pooling, flatten). */
  default boolean spatial() {
    return false;
  }

  /** A fully-connected layer; on an image, it acts on the channels of every pixel (a 1×1 conv). */
  record Dense(Double wStd, Double bStd) implements LayerTerm {
    @Override
    public String canonical(double modelWStd, double modelBStd) {
      return withWeights("dense", new StringJoiner(","), wStd, bStd, modelWStd, modelBStd);
    }
  }

  /**
   * A convolution: filter {@code filterH × filterW}, strides, padding; {@code width} output
   * channels in a finite network (the kernels depend on it only in the standard parameterization).
   */
  record Conv(
      int filterH, int filterW, int strideH, int strideW, Padding padding, Double wStd, Double bStd)
      implements LayerTerm {
    public Conv {
      Architecture.requirePositive("filter", filterH, filterW);
      Architecture.requirePositive("strides", strideH, strideW);
    }

    @Override
    public String canonical(double modelWStd, double modelBStd) {
      StringJoiner p = new StringJoiner(",");
      p.add("filter=" + Architecture.pair(filterH, filterW));
      if (strideH != 1 || strideW != 1) {
        p.add("strides=" + Architecture.pair(strideH, strideW));
      }
      if (padding != Padding.SAME) {
        p.add("padding=" + padding.id());
      }
      return withWeights("conv", p, wStd, bStd, modelWStd, modelBStd);
    }

    @Override
    public boolean spatial() {
      return true;
    }
  }

  /** A pointwise activation. */
  record Act(Activation activation) implements LayerTerm {
    @Override
    public String canonical(double modelWStd, double modelBStd) {
      return activation.id().replace(", ", ",");
    }
  }

  /** Average pooling over a window, strides defaulting to the window. */
  record AvgPool(int windowH, int windowW, int strideH, int strideW, Padding padding)
      implements LayerTerm {
    public AvgPool {
      Architecture.requirePositive("window", windowH, windowW);
      Architecture.requirePositive("strides", strideH, strideW);
      if (padding == Padding.CIRCULAR) {
        throw new IllegalArgumentException("avg_pool takes padding valid or same, not circular");
      }
    }

    @Override
    public String canonical(double modelWStd, double modelBStd) {
      StringJoiner p = new StringJoiner(",", "avg_pool(", ")");
      p.add("window=" + Architecture.pair(windowH, windowW));
      if (strideH != windowH || strideW != windowW) {
        p.add("strides=" + Architecture.pair(strideH, strideW));
      }
      if (padding != Padding.VALID) {
        p.add("padding=" + padding.id());
      }
      return p.toString();
    }

    @Override
    public boolean spatial() {
      return true;
    }
  }

  /** The mean over all pixels (neural-tangents' {@code GlobalAvgPool}). */
  record GlobalAvgPool() implements LayerTerm {
    @Override
    public String canonical(double modelWStd, double modelBStd) {
      return "global_avg_pool";
    }

    @Override
    public boolean spatial() {
      return true;
    }
  }

  /** Pixels and channels as one vector (neural-tangents' {@code Flatten}). */
  record Flatten() implements LayerTerm {
    @Override
    public String canonical(double modelWStd, double modelBStd) {
      return "flatten";
    }

    @Override
    public boolean spatial() {
      return true;
    }
  }

  private static String withWeights(
      String name, StringJoiner params, Double w, Double b, double modelW, double modelB) {
    if (w != null && w != modelW) {
      params.add("W_std=" + Activation.format(w));
    }
    if (b != null && b != modelB) {
      params.add("b_std=" + Activation.format(b));
    }
    String inner = params.toString();
    return inner.isEmpty() ? name : name + "(" + inner + ")";
  }
}
