package dev.widescan.workers.nn;

import java.util.Locale;

/**
 * How a dense layer scales its weights (Jacot et al. 2018; Sohl-Dickstein et al. 2020, "On the
 * infinite width limit of neural networks with a standard parameterization").
 *
 * <ul>
 *   <li>{@link #NTK}: h = (W_std/√N_in)·W·x + b_std·b with W, b ~ N(0, 1).
 *   <li>{@link #STANDARD}: h = W·x + b with W ~ N(0, W_std²/N_in), b ~ N(0, b_std²).
 * </ul>
 */
public enum Parameterization {
  NTK,
  STANDARD;

  /** Parses {@code ntk} or {@code standard} (case-insensitive). */
  public static Parameterization parse(String name) {
    for (Parameterization p : values()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown parameterization '" + name + "', expected ntk or standard");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
