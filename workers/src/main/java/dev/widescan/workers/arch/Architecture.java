package dev.widescan.workers.arch;

import dev.widescan.workers.arch.LayerTerm.Act;
import dev.widescan.workers.arch.LayerTerm.AvgPool;
import dev.widescan.workers.arch.LayerTerm.Conv;
import dev.widescan.workers.arch.LayerTerm.Dense;
import dev.widescan.workers.arch.LayerTerm.Flatten;
import dev.widescan.workers.arch.LayerTerm.GlobalAvgPool;
import dev.widescan.workers.nn.Activation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network as a list of layers (neural-tangents' {@code stax.serial}), with the model's W_std and
 * b_std for the weighted layers that do not give their own. The last layer is the readout, a {@code
 * dense}. Its {@link #canonical()} string is part of unit hashes and results.
 *
 * <p>Syntax of a term: {@code name} or {@code name(key=value, …)}; {@code dense(W_std, b_std)},
 * {@code conv(filter, strides=1, padding=same|valid|circular, W_std, b_std)}, {@code
 * avg_pool(window, strides=window, padding=valid|same)}, {@code global_avg_pool}, {@code flatten},
 * and every activation ({@link Activation#parse}); sizes are one number (square) or {@code HxW}.
 */
public record Architecture(List<LayerTerm> layers, double wStd, double bStd) {
  /** The separator of terms in the canonical string. */
  public static final String SEPARATOR = ">";

  private static final Pattern TERM = Pattern.compile("\\s*(\\w+)\\s*(?:\\((.*)\\))?\\s*");
  private static final Pattern PAIR = Pattern.compile("(\\d+)(?:\\s*[xX×]\\s*(\\d+))?");

  public Architecture {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("layers: give at least the readout layer, dense");
    }
    if (!(layers.get(layers.size() - 1) instanceof Dense)) {
      throw new IllegalArgumentException(
          "layers: the last layer is the readout and must be dense, got "
              + layers.get(layers.size() - 1).canonical(wStd, bStd));
    }
    int reductions = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerTerm t = layers.get(i);
      if (t instanceof Flatten || t instanceof GlobalAvgPool) {
        if (++reductions > 1) {
          throw new LayerException(
              i,
              t.canonical(wStd, bStd),
              "the image is already reduced to a vector by an earlier flatten or"
                  + " global_avg_pool; use one of them once");
        }
      } else if (t.spatial() && reductions > 0) {
        throw new LayerException(
            i,
            t.canonical(wStd, bStd),
            "a spatial layer after flatten or global_avg_pool has no image to act on");
      }
    }
  }

  /**
   * The architecture of a spec's terms, in order.
   *
   * @throws LayerException naming the term by its position, what was wrong and what was expected
   */
  public static Architecture parse(List<String> terms, double wStd, double bStd) {
    List<LayerTerm> out = new ArrayList<>(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      String text = terms.get(i);
      try {
        out.add(term(text));
      } catch (IllegalArgumentException e) {
        throw new LayerException(i, text, e.getMessage());
      }
    }
    return new Architecture(out, wStd, bStd);
  }

  /** {@link #parse(List, double, double)} of a canonical string, terms separated by {@code >}. */
  public static Architecture parse(String canonical, double wStd, double bStd) {
    return parse(List.of(canonical.split(SEPARATOR, -1)), wStd, bStd);
  }

  /**
   * A fully-connected network: {@code depth} × [dense, activation], then the dense readout. On
   * images the input is flattened first (K₀ = x·x'/d either way).
   */
  public static Architecture fc(int depth, Activation activation, double wStd, double bStd) {
    requireDepth(depth);
    List<LayerTerm> layers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      layers.add(new Dense(null, null));
      layers.add(new Act(activation));
    }
    layers.add(new Dense(null, null));
    return new Architecture(layers, wStd, bStd);
  }

  /** How a CNN reduces its image before the readout: flatten (CNN-VEC) or global average pool. */
  public enum Readout {
    FLATTEN,
    GAP;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Readout parse(String text) {
      for (Readout r : values()) {
        if (r.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return r;
        }
      }
      throw new IllegalArgumentException("readout '" + text + "' is not flatten or gap");
    }
  }

  /**
   * CNN-VEC ({@code readout = flatten}) or CNN-GAP ({@code gap}): {@code depth} × [conv(filter,
   * padding), activation], then flatten or global average pooling, then the dense readout (Novak et
   * al. 2019, "Bayesian Deep Convolutional Networks with Many Channels are Gaussian Processes").
   */
  public static Architecture cnn(
      int depth,
      Activation activation,
      int filter,
      Padding padding,
      Readout readout,
      double wStd,
      double bStd) {
    requireDepth(depth);
    List<LayerTerm> layers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      layers.add(new Conv(filter, filter, 1, 1, padding, null, null));
      layers.add(new Act(activation));
    }
    layers.add(readout == Readout.GAP ? new GlobalAvgPool() : new Flatten());
    layers.add(new Dense(null, null));
    return new Architecture(layers, wStd, bStd);
  }

  /**
   * The Myrtle networks of depth 5, 7 or 10 as neural-tangents' example defines them (Shankar et
   * al. 2020, "Neural Kernels Without Tangents"): [conv 3×3 SAME, activation] × f₁, avg_pool 2,
   * [conv, activation] × f₂, avg_pool 2, [conv, activation] × f₃, avg_pool 2 three times, flatten,
   * dense; (f₁, f₂, f₃) = (2, 1, 1), (2, 2, 2), (3, 3, 3). Sized for 32×32 images (CIFAR-10).
   */
  public static Architecture myrtle(int depth, Activation activation, double wStd, double bStd) {
    int[] factors =
        switch (depth) {
          case 5 -> new int[] {2, 1, 1};
          case 7 -> new int[] {2, 2, 2};
          case 10 -> new int[] {3, 3, 3};
          default ->
              throw new IllegalArgumentException(
                  "a Myrtle network has depth 5, 7 or 10, got " + depth);
        };
    List<LayerTerm> layers = new ArrayList<>();
    for (int block = 0; block < 3; block++) {
      for (int i = 0; i < factors[block]; i++) {
        layers.add(new Conv(3, 3, 1, 1, Padding.SAME, null, null));
        layers.add(new Act(activation));
      }
      int pools = block == 2 ? 3 : 1;
      for (int i = 0; i < pools; i++) {
        layers.add(new AvgPool(2, 2, 2, 2, Padding.VALID));
      }
    }
    layers.add(new Flatten());
    layers.add(new Dense(null, null));
    return new Architecture(layers, wStd, bStd);
  }

  /**
   * The terms in canonical form joined by {@code >}, e.g. {@code
   * conv(filter=3)>relu>flatten>dense}.
   */
  public String canonical() {
    StringJoiner out = new StringJoiner(SEPARATOR);
    for (LayerTerm t : layers) {
      out.add(t.canonical(wStd, bStd));
    }
    return out.toString();
  }

  /** Whether some layer needs an image (conv, pooling, flatten, global average pooling). */
  public boolean spatial() {
    return layers.stream().anyMatch(LayerTerm::spatial);
  }

  /** The number of weighted layers (dense, conv), the readout included. */
  public int weightedLayers() {
    return (int) layers.stream().filter(t -> t instanceof Dense || t instanceof Conv).count();
  }

  /**
   * Checks the layers against the inputs: {@code shape} is the dataset's image shape, or null for a
   * vector dataset (which only a non-{@linkplain #spatial() spatial} architecture accepts).
   *
   * @throws LayerException naming the first layer that cannot act on what reaches it
   */
  public void validate(ImageShape shape) {
    if (!spatial()) {
      return;
    }
    if (shape == null) {
      int first = 0;
      while (!layers.get(first).spatial()) {
        first++;
      }
      throw new LayerException(
          first,
          layers.get(first).canonical(wStd, bStd),
          "the dataset has no image shape (its examples are vectors); conv, pooling and"
              + " flatten need images (height × width × channels)");
    }
    boolean reduced = false;
    int h = shape.height();
    int w = shape.width();
    for (int i = 0; i < layers.size() && !reduced; i++) {
      LayerTerm t = layers.get(i);
      String at = " on the " + h + "x" + w + " image that reaches it";
      if (t instanceof Conv c) {
        if (c.padding() == Padding.VALID && (c.filterH() > h || c.filterW() > w)) {
          throw new LayerException(
              i,
              t.canonical(wStd, bStd),
              "a VALID "
                  + pair(c.filterH(), c.filterW())
                  + " filter does not fit"
                  + at
                  + "; use a smaller filter or padding=same");
        }
        h = c.padding().outputSize(h, c.filterH(), c.strideH());
        w = c.padding().outputSize(w, c.filterW(), c.strideW());
      } else if (t instanceof AvgPool p) {
        if (p.padding() == Padding.VALID && (p.windowH() > h || p.windowW() > w)) {
          throw new LayerException(
              i,
              t.canonical(wStd, bStd),
              "the pooling window "
                  + pair(p.windowH(), p.windowW())
                  + " is larger than the "
                  + h
                  + "x"
                  + w
                  + " image that reaches it");
        }
        h = p.padding().outputSize(h, p.windowH(), p.strideH());
        w = p.padding().outputSize(w, p.windowW(), p.strideW());
      } else if (t instanceof Flatten || t instanceof GlobalAvgPool) {
        reduced = true;
      } else if (i == layers.size() - 1) {
        throw new LayerException(
            i,
            t.canonical(wStd, bStd),
            "the readout gets an image; reduce it first with flatten or global_avg_pool");
      }
    }
  }

  static void requirePositive(String what, int h, int w) {
    if (h < 1 || w < 1) {
      throw new IllegalArgumentException(what + " must be positive, got " + pair(h, w));
    }
  }

  static String pair(int h, int w) {
    return h == w ? Integer.toString(h) : h + "x" + w;
  }

  private static void requireDepth(int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be non-negative, got " + depth);
    }
  }

  /** One term: a structural layer by name, else an activation. */
  private static LayerTerm term(String text) {
    Matcher m = TERM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not name or name(key=value, ...)");
    }
    String name = m.group(1).toLowerCase(Locale.ROOT);
    return switch (name) {
      case "dense" -> {
        Map<String, String> p = params(name, m.group(2), "W_std", "b_std");
        yield new Dense(number(p, "W_std"), number(p, "b_std"));
      }
      case "conv" -> {
        Map<String, String> p =
            params(name, m.group(2), "filter", "strides", "padding", "W_std", "b_std");
        int[] filter = size(p, "filter", null, "conv needs filter=k or filter=HxW");
        int[] strides = size(p, "strides", new int[] {1, 1}, null);
        Padding padding = p.containsKey("padding") ? Padding.parse(p.get("padding")) : Padding.SAME;
        yield new Conv(
            filter[0],
            filter[1],
            strides[0],
            strides[1],
            padding,
            number(p, "W_std"),
            number(p, "b_std"));
      }
      case "avg_pool" -> {
        Map<String, String> p = params(name, m.group(2), "window", "strides", "padding");
        int[] window = size(p, "window", null, "avg_pool needs window=k or window=HxW");
        int[] strides = size(p, "strides", window, null);
        Padding padding =
            p.containsKey("padding") ? Padding.parse(p.get("padding")) : Padding.VALID;
        yield new AvgPool(window[0], window[1], strides[0], strides[1], padding);
      }
      case "global_avg_pool" -> {
        params(name, m.group(2));
        yield new GlobalAvgPool();
      }
      case "flatten" -> {
        params(name, m.group(2));
        yield new Flatten();
      }
      default -> {
        try {
          yield new Act(Activation.parse(text));
        } catch (IllegalArgumentException e) {
          if (!e.getMessage().startsWith("unknown activation")) {
            throw e;
          }
          throw new IllegalArgumentException(
              "unknown layer '"
                  + m.group(1)
                  + "'; expected dense, conv(filter, strides, padding), avg_pool(window, strides,"
                  + " padding), global_avg_pool, flatten or an activation such as relu, erf,"
                  + " leaky_relu(alpha=0.1)");
        }
      }
    };
  }

  /** The key=value parameters of a term, each allowed and given once. */
  private static Map<String, String> params(String name, String inner, String... allowed) {
    Map<String, String> out = new LinkedHashMap<>();
    if (inner == null || inner.isBlank()) {
      return out;
    }
    for (String part : inner.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            name + ": '" + part.trim() + "' is not key=value" + allowedKeys(name, allowed));
      }
      String key = part.substring(0, eq).trim();
      String canonicalKey = null;
      for (String a : allowed) {
        if (a.equalsIgnoreCase(key)) {
          canonicalKey = a;
        }
      }
      if (canonicalKey == null) {
        throw new IllegalArgumentException(
            name + " has no parameter '" + key + "'" + allowedKeys(name, allowed));
      }
      if (out.put(canonicalKey, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException(name + ": " + canonicalKey + " is given twice");
      }
    }
    return out;
  }

  private static String allowedKeys(String name, String[] allowed) {
    return allowed.length == 0
        ? "; " + name + " takes no parameters"
        : "; expected " + String.join(", ", allowed);
  }

  private static Double number(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null) {
      return null;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is not a number");
    }
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(key + " must be finite and non-negative, got " + v);
    }
    return d;
  }

  private static int[] size(Map<String, String> p, String key, int[] fallback, String missing) {
    String v = p.get(key);
    if (v == null) {
      if (fallback == null) {
        throw new IllegalArgumentException(missing);
      }
      return fallback;
    }
    Matcher m = PAIR.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          key + " '" + v + "' is not a positive whole number or HxW (e.g. 3 or 3x5)");
    }
    try {
      int h = Integer.parseInt(m.group(1));
      int w = m.group(2) == null ? h : Integer.parseInt(m.group(2));
      if (h < 1 || w < 1 || h > 1024 || w > 1024) {
        throw new IllegalArgumentException(key + " " + v + " must be between 1 and 1024");
      }
      return new int[] {h, w};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is too large");
    }
  }

  /** A layer that cannot be built or cannot act on what reaches it, named by its position. */
  public static final class LayerException extends IllegalArgumentException {
    private final int index;

    public LayerException(int index, String term, String problem) {
      super("layer " + (index + 1) + " (" + (term == null ? "" : term.trim()) + "): " + problem);
      this.index = index;
    }

    /** The layer's position in the list, from 0. */
    public int index() {
      return index;
    }
  }
}
