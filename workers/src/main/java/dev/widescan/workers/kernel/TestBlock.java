package dev.widescan.workers.kernel;

/** How much of the test × test kernel a request computes. */
public enum TestBlock {
  /** Only K(x, x) and Θ(x, x) for each test example: O(m) work, for predictive variances. */
  DIAGONAL,
  /** The whole m × m block (upper triangle computed, mirrored). */
  FULL
}
