package dev.widescan.workers.data;

import java.util.List;

/**
 * What the registry finds for one name, from headers only (for {@code widescan datasets} and {@code
 * GET /api/datasets}).
 *
 * @param name the name to request it by
 * @param format {@code idx}, {@code cifar}, {@code npy}, {@code npz}, {@code arrow} or {@code
 *     synthetic}
 * @param location where it is read from, e.g. {@code /usr/share/datasets/fashion-mnist}, {@code
 *     classpath:datasets/fashion-mnist/} or {@code generated}
 * @param train training examples available ({@code -1}: unbounded, synthetic)
 * @param test test examples available ({@code -1}: unbounded)
 * @param shape dimensions of one example, e.g. {@code [28, 28]} or {@code [3, 32, 32]}
 * @param classes number of classes ({@code -1} if only known after reading every label)
 * @param bytes total size of its files on disk
 * @param files the files, relative to its directory
 * @param problem why it can't be loaded (a missing or corrupt file), if it can't
 */
public record DatasetInfo(
    String name,
    String format,
    String location,
    long train,
    long test,
    List<Integer> shape,
    int classes,
    long bytes,
    List<String> files,
    java.util.Optional<String> problem) {
  public DatasetInfo {
    shape = List.copyOf(shape);
    files = List.copyOf(files);
  }

  /** Inputs per example: the product of {@link #shape}. */
  public int features() {
    int f = 1;
    for (int s : shape) {
      f *= s;
    }
    return f;
  }
}
