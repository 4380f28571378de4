package dev.widescan.workers.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Which examples of a split are used.
 *
 * <ul>
 *   <li>{@code first} (the default): examples 0..n−1 in file order.
 *   <li>{@code random:seed=s}: the first n of a seeded uniform permutation (Fisher–Yates driven by
 *       {@link java.util.Random}), in permutation order; for one seed, smaller subsets are prefixes
 *       of larger ones.
 *   <li>{@code stratified:seed=s}: class counts proportional to the split's, n_c = ⌊n·N_c/N⌋ plus
 *       one for the classes with the largest remainders (ties: lower class first); within each
 *       class the examples that come first in the same seeded permutation, all in permutation
 *       order.
 * </ul>
 *
 * The test split uses the same rule with a seed derived from {@code seed}, so train and test draws
 * are independent.
 *
 * @param kind the rule
 * @param seed the permutation's seed (0 and unused for {@code first})
 */
public record Subset(Kind kind, long seed) {
  public static final Subset FIRST = new Subset(Kind.FIRST, 0);

  public enum Kind {
    FIRST,
    RANDOM,
    STRATIFIED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Subset {
    if (kind == Kind.FIRST && seed != 0) {
      throw new IllegalArgumentException("subset 'first' takes no seed, got seed=" + seed);
    }
  }

  public static Subset random(long seed) {
    return new Subset(Kind.RANDOM, seed);
  }

  public static Subset stratified(long seed) {
    return new Subset(Kind.STRATIFIED, seed);
  }

  /** Parses {@code first}, {@code random}, {@code random:seed=3}, {@code stratified:seed=3}. */
  public static Subset parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String head = colon < 0 ? t : t.substring(0, colon).trim();
    long seed = 0;
    if (colon >= 0) {
      String p = t.substring(colon + 1).trim();
      if (!p.startsWith("seed=")) {
        throw new IllegalArgumentException(
            "subset '" + text + "': unexpected parameter '" + p + "', expected seed=<integer>");
      }
      try {
        seed = Long.parseLong(p.substring(5).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "subset '" + text + "': seed must be an integer, got " + p.substring(5));
      }
    }
    for (Kind k : Kind.values()) {
      if (k.id().equals(head)) {
        return new Subset(k, seed);
      }
    }
    throw new IllegalArgumentException(
        "unknown subset rule '"
            + text
            + "', expected first, random:seed=<s> or stratified:seed=<s>");
  }

  /** Canonical text: {@code first}, {@code random:seed=3}, {@code stratified:seed=3}. */
  public String id() {
    return kind == Kind.FIRST ? "first" : kind.id() + ":seed=" + seed;
  }

  /**
   * The indices of the {@code n} chosen examples of {@code split}.
   *
   * @param labels all labels of the split (only read by {@code stratified})
   * @param available examples in the split
   */
  int[] choose(Split split, int n, int available, int[] labels) {
    if (n > available) {
      throw new IllegalArgumentException("asked for " + n + " of " + available + " examples");
    }
    if (kind == Kind.FIRST) {
      int[] idx = new int[n];
      Arrays.setAll(idx, i -> i);
      return idx;
    }
    int[] perm = permutation(available, split == Split.TRAIN ? seed : Synthetic.mix(seed, 0x7465L));
    if (kind == Kind.RANDOM) {
      return Arrays.copyOf(perm, n);
    }
    int classes = 0;
    for (int y : labels) {
      classes = Math.max(classes, y + 1);
    }
    int[] counts = new int[classes];
    for (int y : labels) {
      counts[y]++;
    }
    int[] quota = new int[classes];
    long[] remainder = new long[classes];
    int given = 0;
    for (int c = 0; c < classes; c++) {
      long exact = (long) n * counts[c];
      quota[c] = (int) (exact / available);
      remainder[c] = exact % available;
      given += quota[c];
    }
    Integer[] order = new Integer[classes];
    Arrays.setAll(order, c -> c);
    Arrays.sort(order, (a, b) -> Long.compare(remainder[b], remainder[a]));
    for (int i = 0; given < n; i++) {
      quota[order[i]]++;
      given++;
    }
    int[] idx = new int[n];
    int k = 0;
    for (int p : perm) {
      if (k == n) {
        break;
      }
      if (quota[labels[p]] > 0) {
        quota[labels[p]]--;
        idx[k++] = p;
      }
    }
    return idx;
  }

  private static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    Arrays.setAll(p, i -> i);
    Random rng = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
