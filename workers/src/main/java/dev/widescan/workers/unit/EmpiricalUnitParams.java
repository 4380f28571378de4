package dev.widescan.workers.unit;

import java.util.List;

/**
 * An empirical-kernel unit: the finite network {@code architecture} (its width set) at
 * initialization from {@code seed}, its NTK, and its NNGP estimated over {@code samples}
 * initializations; each used for kernel regression at every diag_reg and t.
 */
public record EmpiricalUnitParams(
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    int samples,
    int seed,
    List<String> kinds,
    List<Double> diagReg,
    List<String> t) {}
