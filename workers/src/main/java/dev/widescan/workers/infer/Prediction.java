package dev.widescan.workers.infer;

import dev.widescan.workers.linalg.Matrix;

/**
 * A kernel-regression prediction on the test set.
 *
 * @param diagReg the relative ridge: ε = diagReg·trace(K_dd)/n was added to the diagonal
 * @param t the gradient-flow time (learning rate × steps); {@link Double#POSITIVE_INFINITY} for the
 *     converged flow and for the NNGP posterior mean, which is the t = ∞ limit of gradient flow
 *     under the NNGP
 * @param mean the predicted mean, test examples × outputs
 */
public record Prediction(double diagReg, double t, Matrix mean) {}
