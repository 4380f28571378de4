package dev.widescan.workers.unit;

/** Everything that determines a finite-network unit's results. */
public record FiniteUnitParams(
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    double lr,
    double momentum,
    double weightDecay,
    int epochs,
    int batchSize,
    int seed,
    double targetShift) {}
