package dev.widescan.workers.unit;

import java.util.List;

/** Training times as written in specs and unit parameters: a non-negative number or {@code inf}. */
public final class TimeValues {
  private TimeValues() {}

  public static double parse(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("inf") || v.equalsIgnoreCase("infinity")) {
      return Double.POSITIVE_INFINITY;
    }
    double t;
    try {
      t = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("time '" + value + "' is neither a number nor 'inf'");
    }
    if (!(t >= 0)) {
      throw new IllegalArgumentException("time must be >= 0 or 'inf', got " + value);
    }
    return t;
  }

  public static double[] parseAll(List<String> values) {
    return values.stream().mapToDouble(TimeValues::parse).toArray();
  }

  public static String format(double t) {
    return Double.isInfinite(t) ? "inf" : Double.toString(t);
  }
}
