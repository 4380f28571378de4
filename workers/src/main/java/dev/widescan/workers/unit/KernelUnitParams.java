package dev.widescan.workers.unit;

import java.util.List;

/**
 * Everything that determines a kernel unit's results; {@code variance} asks for the NNGP posterior
 * variance of every test point as well. Times are strings so that {@code "inf"} (the converged
 * gradient flow) survives JSON; see {@link TimeValues}.
 */
public record KernelUnitParams(
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    List<String> kinds,
    List<Double> diagReg,
    List<String> t,
    boolean variance) {}
