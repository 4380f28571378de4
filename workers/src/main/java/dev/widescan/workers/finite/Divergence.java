package dev.widescan.workers.finite;

/**
 * Why a training run stopped early: its loss stopped being finite or blew up past the configured
 * factor of its initial value, typically because the learning rate is above the stable ≈ 2·n·k /
 * λ_max(Θ) (MSE, NTK parameterization).
 *
 * @param step the optimizer step (1-based) whose loss was bad
 * @param loss that loss (NaN, ±∞ or the blown-up value)
 * @param reason a sentence for the unit's failure reason, starting "diverged at step s"
 */
public record Divergence(long step, double loss, String reason) {}
