package dev.widescan.workers.nn;

import java.util.Locale;

/** Pointwise nonlinearities shared by finite networks and their kernels, with derivatives. */
public enum Activation {
  RELU {
    @Override
    public double apply(double x) {
      return x > 0 ? x : 0.0;
    }

    @Override
    public double derivative(double x) {
      return x > 0 ? 1.0 : 0.0;
    }
  },
  /** erf(x), neural-tangents' {@code Erf(a=1, b=1, c=0)}. */
  ERF {
    @Override
    public double apply(double x) {
      return org.apache.commons.numbers.gamma.Erf.value(x);
    }

    @Override
    public double derivative(double x) {
      return 2.0 / Math.sqrt(Math.PI) * Math.exp(-x * x);
    }
  },
  IDENTITY {
    @Override
    public double apply(double x) {
      return x;
    }

    @Override
    public double derivative(double x) {
      return 1.0;
    }
  };

  public abstract double apply(double x);

  public abstract double derivative(double x);

  /** Parses a name such as {@code relu} or {@code erf} (case-insensitive). */
  public static Activation parse(String name) {
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "', expected one of relu, erf, identity");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
