package dev.widescan.workers.unit;

import java.util.List;

/**
 * An ensemble: the finite units of {@code members} (one per seed, in this order) averaged into one
 * predictor, as in Lee et al. 2020. {@code member} holds what the members share; its seed is the
 * first member's and is not used.
 */
public record EnsembleUnitParams(FiniteUnitParams member, List<Integer> seeds) {}
