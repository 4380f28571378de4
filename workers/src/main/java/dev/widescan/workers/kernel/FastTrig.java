package dev.widescan.workers.kernel;

/**
 * atan2 in pure Java. {@link Math#atan2} calls native fdlibm through JNI (~28 ns a call here),
 * which made the arc-cosine layers several times slower than the matrix products that feed them.
 * This is fdlibm's own algorithm ({@code s_atan.c}, {@code e_atan2.c}: reduction to |t| ≤ 7/16 and
 * an 11-term polynomial, split constants for the breakpoints), so it keeps fdlibm's accuracy of
 * under one ulp for finite arguments; it is checked against {@link StrictMath#atan2} in the tests.
 */
final class FastTrig {
  private static final double[] ATAN_HI = {
    4.63647609000806093515e-01, 7.85398163397448278999e-01,
    9.82793723247329054082e-01, 1.57079632679489655800e+00,
  };
  private static final double[] ATAN_LO = {
    2.26987774529616870924e-17, 3.06161699786838301793e-17,
    1.39033110312309984516e-17, 6.12323399573676603587e-17,
  };
  private static final double AT0 = 3.33333333333329318027e-01;
  private static final double AT1 = -1.99999999998764832476e-01;
  private static final double AT2 = 1.42857142725034663711e-01;
  private static final double AT3 = -1.11111104054623557880e-01;
  private static final double AT4 = 9.09088713343650656196e-02;
  private static final double AT5 = -7.69187620504482999495e-02;
  private static final double AT6 = 6.66107313738753120669e-02;
  private static final double AT7 = -5.83357013379057348645e-02;
  private static final double AT8 = 4.97687799461593236017e-02;
  private static final double AT9 = -3.65315727442169155270e-02;
  private static final double AT10 = 1.62858201153657823623e-02;
  static final double PI = 3.1415926535897931160E+00;
  static final double PI_LO = 1.2246467991473531772E-16;
  private static final double PI_O_2 = 1.5707963267948965580E+00;
  private static final double PI_O_2_LO = 6.12323399573676603587e-17;

  private FastTrig() {}

  /** Past this, a difference times {@link #STEP} is ±∞ or 0 (see {@link #arcCosAngles}). */
  static final double STEP = 0x1p1000;

  /**
   * The arc-cosine kernels' geometry for one row, in two vectorizable passes: {@code s[j]} =
   * √max(v1·v2[j] − k[j]², 0) and {@code psi[j]} = atan2(s[j], |k[j]|) ∈ [0, π/2], for j in {@code
   * [from, to)}. The angle of the entry is ψ for k ≥ 0 and π − ψ for k &lt; 0.
   *
   * <p>No branches, so C2 vectorizes both loops (a ReLU layer with the branchy {@link #atan2} took
   * ~14 ns an entry on one core, with this ~3). With a = min(s, |k|), b = max(s, |k|) and r =
   * √(v1·v2) = {@code r1·r2[j]}, the half-angle identity gives φ = atan2(a, b) = 2·atan(a/(b + r))
   * with the argument in [0, tan(π/8)], where fdlibm's polynomial for |x| ≤ 7/16 holds; ψ = φ or
   * π/2 − φ is chosen arithmetically by a 0/1 weight min(max((s − |k|)·2¹⁰⁰⁰, 0), 1) (fractional
   * only when s and |k| agree to 2⁻¹⁰⁰⁰, where both choices are π/4). Within 3 ulp of {@link
   * StrictMath#atan2}; unlike π − atan2(s, k) it keeps its relative accuracy for angles near π. A
   * zero row or column (r = 0) gives ψ = 0.
   */
  static void arcCosAngles(
      double v1,
      double r1,
      double[] v2,
      double[] r2,
      double[] k,
      double[] s,
      double[] psi,
      int from,
      int to) {
    for (int j = from; j < to; j++) {
      double k12 = k[j];
      double sj = Math.sqrt(Math.max(v1 * v2[j] - k12 * k12, 0.0));
      double ak = Math.abs(k12);
      s[j] = sj;
      psi[j] = Math.min(sj, ak) / Math.max(Math.max(sj, ak) + r1 * r2[j], Double.MIN_VALUE);
    }
    for (int j = from; j < to; j++) {
      double u = psi[j];
      double z = u * u;
      double q = Math.fma(z, AT10, AT9);
      q = Math.fma(z, q, AT8);
      q = Math.fma(z, q, AT7);
      q = Math.fma(z, q, AT6);
      q = Math.fma(z, q, AT5);
      q = Math.fma(z, q, AT4);
      q = Math.fma(z, q, AT3);
      q = Math.fma(z, q, AT2);
      q = Math.fma(z, q, AT1);
      q = Math.fma(z, q, AT0);
      double phi = 2.0 * (u - u * (z * q));
      double g = Math.min(Math.max((s[j] - Math.abs(k[j])) * STEP, 0.0), 1.0);
      psi[j] = (g * PI_O_2 + (1.0 - 2.0 * g) * phi) + g * PI_O_2_LO;
    }
  }

  /** atan2(y, x) for finite or infinite arguments; NaN in, NaN out. */
  static double atan2(double y, double x) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.NaN;
    }
    if (Double.isInfinite(x) || Double.isInfinite(y)) {
      return StrictMath.atan2(y, x);
    }
    if (y == 0) {
      // atan2(±0, x ≥ +0) = ±0, atan2(±0, x ≤ −0) = ±π, as fdlibm.
      return (x > 0 || (x == 0 && Double.doubleToRawLongBits(x) == 0)) ? y : Math.copySign(PI, y);
    }
    if (x == 0) {
      return Math.copySign(PI_O_2, y);
    }
    double ay = Math.abs(y);
    double ax = Math.abs(x);
    int ey = Math.getExponent(ay);
    int ex = Math.getExponent(ax);
    double z;
    if (ey - ex > 60) {
      z = PI_O_2 + 0.5 * PI_LO;
    } else if (x < 0 && ex - ey > 60) {
      z = 0.0;
    } else {
      z = atanPositive(ay / ax);
    }
    if (x < 0) {
      z = PI - (z - PI_LO);
    }
    return Math.copySign(z, y);
  }

  /** atan(t) for t ≥ 0 (fdlibm s_atan.c). */
  private static double atanPositive(double t) {
    int id;
    double x = t;
    if (x < 0.4375) {
      if (x < 0x1p-27) {
        return x;
      }
      id = -1;
    } else if (x < 1.1875) {
      if (x < 0.6875) {
        id = 0;
        x = (2.0 * x - 1.0) / (2.0 + x);
      } else {
        id = 1;
        x = (x - 1.0) / (x + 1.0);
      }
    } else if (x < 2.4375) {
      id = 2;
      x = (x - 1.5) / (1.0 + 1.5 * x);
    } else {
      if (x >= 0x1p66) {
        return ATAN_HI[3] + ATAN_LO[3];
      }
      id = 3;
      x = -1.0 / x;
    }
    double z = x * x;
    double w = z * z;
    double s1 = z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10)))));
    double s2 = w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9))));
    if (id < 0) {
      return x - x * (s1 + s2);
    }
    return ATAN_HI[id] - ((x * (s1 + s2) - ATAN_LO[id]) - x);
  }
}
