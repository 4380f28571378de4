package dev.widescan.workers.arch;

import java.util.Locale;

/**
 * How a convolution or pooling window treats the image border (neural-tangents' {@code Padding}).
 */
public enum Padding {
  /** Output size ⌈n/s⌉; zeros around the image, the odd extra one on the high side. */
  SAME,
  /** Only windows inside the image: output size ⌊(n − k)/s⌋ + 1. */
  VALID,
  /** Periodic padding by the amounts SAME would add, then VALID. */
  CIRCULAR;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code same}, {@code valid} or {@code circular} (case-insensitive). */
  public static Padding parse(String text) {
    for (Padding p : values()) {
      if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "padding '" + text + "' is not one of same, valid, circular");
  }

  /** The output length of a window of {@code k} with stride {@code s} over {@code n} positions. */
  public int outputSize(int n, int k, int s) {
    return switch (this) {
      case SAME, CIRCULAR -> (n + s - 1) / s;
      case VALID -> n >= k ? (n - k) / s + 1 : 0;
    };
  }

  /** The padding added before the first position (SAME and CIRCULAR put the odd one after). */
  public int padLow(int n, int k, int s) {
    if (this == VALID) {
      return 0;
    }
    int total = Math.max((outputSize(n, k, s) - 1) * s + k - n, 0);
    return total / 2;
  }

  /**
   * For each window offset u and output position o, the input position it reads, or −1 where it
   * reads padding (zero): {@code map[u][o]}.
   */
  public int[][] windowMap(int n, int k, int s) {
    int out = outputSize(n, k, s);
    int low = padLow(n, k, s);
    int[][] map = new int[k][out];
    for (int u = 0; u < k; u++) {
      for (int o = 0; o < out; o++) {
        int i = o * s + u - low;
        if (this == CIRCULAR) {
          i = Math.floorMod(i, n);
        } else if (i < 0 || i >= n) {
          i = -1;
        }
        map[u][o] = i;
      }
    }
    return map;
  }
}
