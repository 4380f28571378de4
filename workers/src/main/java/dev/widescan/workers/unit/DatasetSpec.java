package dev.widescan.workers.unit;

/**
 * Which data a unit uses: the first {@code train} images of the official training split and the
 * first {@code test} of the test split, preprocessed as named.
 */
public record DatasetSpec(String name, int train, int test, String preprocess) {}
