package dev.widescan.workers.unit;

/**
 * A fully-connected architecture: {@code depth} hidden Dense→activation layers and a Dense readout.
 * {@code width} is null for the infinite-width limit in NTK parameterization, whose kernels do not
 * depend on it.
 */
public record ArchitectureSpec(
    String family,
    String activation,
    int depth,
    double wStd,
    double bStd,
    String parameterization,
    Integer width) {}
