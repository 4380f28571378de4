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
  },
  /** |x|, neural-tangents' {@code Abs()}. */
  ABS {
    @Override
    public double apply(double x) {
      return Math.abs(x);
    }

    @Override
    public double derivative(double x) {
      return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    }
  },
  /** The exact GELU x·Φ(x), neural-tangents' {@code Gelu(approximate=False)}. */
  GELU {
    @Override
    public double apply(double x) {
      return 0.5 * x * org.apache.commons.numbers.gamma.Erfc.value(-x / Math.sqrt(2.0));
    }

    @Override
    public double derivative(double x) {
      return 0.5 * org.apache.commons.numbers.gamma.Erfc.value(-x / Math.sqrt(2.0))
          + x * Math.exp(-0.5 * x * x) / Math.sqrt(2.0 * Math.PI);
    }
  },
  /**
   * sign(x), neural-tangents' {@code Sign()}; its derivative is 0 (as automatic differentiation).
   */
  SIGN {
    @Override
    public double apply(double x) {
      return Math.signum(x);
    }

    @Override
    public double derivative(double x) {
      return 0.0;
    }
  },
  /** sin(x), neural-tangents' {@code Sin(a=1, b=1, c=0)}. */
  SIN {
    @Override
    public double apply(double x) {
      return Math.sin(x);
    }

    @Override
    public double derivative(double x) {
      return Math.cos(x);
    }
  },
  /** cos(x), neural-tangents' {@code Cos(a=1, b=1, c=0)}. */
  COS {
    @Override
    public double apply(double x) {
      return Math.cos(x);
    }

    @Override
    public double derivative(double x) {
      return -Math.sin(x);
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
    StringBuilder ids = new StringBuilder();
    for (Activation a : values()) {
      ids.append(ids.length() == 0 ? "" : ", ").append(a.id());
    }
    throw new IllegalArgumentException("unknown activation '" + name + "', expected one of " + ids);
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
