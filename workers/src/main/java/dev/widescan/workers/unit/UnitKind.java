package dev.widescan.workers.unit;

import java.util.Locale;

/** What a work unit computes. */
public enum UnitKind {
  /** NNGP and NTK of one architecture on one dataset, with predictions at every diag_reg and t. */
  KERNEL,
  /** One finite network trained by SGD from one seed. */
  FINITE,
  /** The mean prediction of finite networks that differ only in seed, from their stored outputs. */
  ENSEMBLE,
  /**
   * The empirical NTK (Jacobian inner products at initialization) and a Monte-Carlo NNGP of a
   * finite network at one width, used as kernels for the same predictions (Novak et al. 2019).
   */
  EMPIRICAL,
  /**
   * One block of a large kernel (see {@link KernelTile}), left as an artifact for the kernel unit
   * that depends on it; it yields no result rows.
   */
  KERNEL_TILE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static UnitKind parse(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
