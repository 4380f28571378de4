package dev.widescan.workers.data;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One data set's files (or generator) as found by the registry; raw examples, no preprocessing. */
abstract class DataSource {
  private int[] classesFromLabels;

  /** The canonical name. */
  abstract String name();

  /** The reader: idx, cifar, npy, npz, arrow, synthetic. */
  abstract String format();

  /** Where it is read from, e.g. a directory or {@code classpath:...}. */
  abstract String location();

  /** Number of classes, or -1 when only all labels tell. */
  abstract int declaredClasses();

  /** Dimensions of one example. */
  abstract List<Integer> shape();

  /** Examples in {@code split}, checking headers (cheap); -1 for unbounded. */
  abstract long count(Split split);

  /** Files, relative to the data set's directory. */
  abstract List<String> files();

  abstract long bytes();

  /** SHA-256 of every file, by relative name. */
  abstract Map<String, String> checksums(Checksums checksums);

  /** Every label of {@code split}. */
  abstract int[] labels(Split split);

  /** The first {@code limit} raw examples of {@code split}. */
  abstract Examples read(Split split, int limit);

  /** {@link #declaredClasses}, or 1 + the largest label of both splits. */
  synchronized int classes() {
    int declared = declaredClasses();
    if (declared >= 0) {
      return declared;
    }
    if (classesFromLabels == null) {
      int max = -1;
      for (Split s : Split.values()) {
        for (int y : labels(s)) {
          max = Math.max(max, y);
        }
      }
      classesFromLabels = new int[] {max + 1};
    }
    return classesFromLabels[0];
  }

  DatasetInfo info() {
    try {
      return new DatasetInfo(
          name(),
          format(),
          location(),
          count(Split.TRAIN),
          count(Split.TEST),
          shape(),
          declaredClasses(),
          bytes(),
          files(),
          Optional.empty());
    } catch (DatasetException e) {
      return new DatasetInfo(
          name(),
          format(),
          location(),
          0,
          0,
          List.of(),
          -1,
          0,
          List.of(),
          Optional.of(e.getMessage()));
    }
  }
}
