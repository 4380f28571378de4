package dev.widescan.workers.kernel;

/**
 * The kernel layer of a pointwise activation φ, which also knows φ and φ' themselves, so that a
 * finite network, a Monte-Carlo estimate or a numerical integral can be built from the same object.
 * As a layer it maps K ↦ T(K) = E[φ(u)φ(v)] and Θ ↦ Θ ⊙ Ṫ(K), Ṫ(K) = E[φ'(u)φ'(v)], with (u, v) ~
 * N(0, [[K₁₁, K₁₂], [K₁₂, K₂₂]]). Build them with {@link Layers}.
 */
public interface Nonlinearity extends Layer {

  /** φ(x). */
  double apply(double x);

  /** φ'(x), taken as 0 where φ jumps (as automatic differentiation does). */
  double derivative(double x);
}
