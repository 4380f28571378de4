package dev.widescan.workers.unit;

/**
 * Everything that determines a finite-network unit's results.
 *
 * @param loss {@code mse} or {@code cross-entropy} (which trains on plain one-hot targets)
 * @param weightDecayMode {@code plain} or {@code ntk-equivalent}
 * @param centred train g = f − f₀ and predict with it (Lee et al. 2020)
 * @param steps optimizer steps to train for; 0 = train for {@code epochs} epochs
 * @param curveEvery record the training curve every this many steps; 0 = once per epoch
 */
public record FiniteUnitParams(
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    String loss,
    double lr,
    double momentum,
    double weightDecay,
    String weightDecayMode,
    boolean centred,
    int epochs,
    long steps,
    int batchSize,
    int seed,
    long curveEvery) {}
