package dev.widescan.workers.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017,
 * https://github.com/zalandoresearch/fashion-mnist): 28×28 grey-scale images of clothing in 10
 * classes, 60,000 for training and 10,000 for testing, as four IDX files ({@code
 * train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code
 * t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; gzip or raw contents).
 *
 * <p>Where the files are read from, first match wins:
 *
 * <ol>
 *   <li>a configured directory, if one is given, and then only there;
 *   <li>{@link #SYSTEM_DIR}, from Debian's package {@code dataset-fashion-mnist}, if all four files
 *       are there;
 *   <li>the subset bundled on the classpath under {@link #BUNDLED_PREFIX}: the first {@value
 *       #BUNDLED_TRAIN} training and first {@value #BUNDLED_TEST} test examples.
 * </ol>
 *
 * <p>Nothing is cached here.
 */
public final class FashionMnist {
  public static final String NAME = "fashion-mnist";
  public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final String BUNDLED_PREFIX = "datasets/fashion-mnist/";
  public static final int BUNDLED_TRAIN = 2000;
  public static final int BUNDLED_TEST = 1000;
  public static final int CLASSES = 10;
  public static final int FEATURES = 28 * 28;

  /** Class names by label, as published by Zalando Research. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private static final String HOW_TO_GET_MORE =
      "for more, install the Debian package dataset-fashion-mnist (files in "
          + SYSTEM_DIR
          + ") or configure a directory holding the four Fashion-MNIST IDX files";

  private FashionMnist() {}

  /**
   * The first {@code train} training and first {@code test} test images with their labels,
   * preprocessed; rows are images flattened row by row (784 features).
   *
   * @throws DatasetException if a file is missing or corrupt, or the chosen source holds fewer
   *     examples than asked for
   */
  public static Dataset load(
      Optional<Path> configuredDir, int train, int test, Preprocess preprocess) {
    return load(configuredDir, SYSTEM_DIR, train, test, preprocess);
  }

  /** As {@link #load(Optional, int, int, Preprocess)}, with the system directory replaced. */
  static Dataset load(
      Optional<Path> configuredDir, Path systemDir, int train, int test, Preprocess preprocess) {
    return IdxDatasets.load(
        NAME, source(configuredDir, systemDir), train, test, preprocess, CLASSES, HOW_TO_GET_MORE);
  }

  /** Which source {@link #load} reads from, in words (for logs and provenance). */
  public static String describeSource(Optional<Path> configuredDir) {
    return source(configuredDir, SYSTEM_DIR).description();
  }

  static IdxSource source(Optional<Path> configuredDir, Path systemDir) {
    if (configuredDir.isPresent()) {
      return IdxSource.directory(configuredDir.get());
    }
    IdxSource system = IdxSource.directory(systemDir);
    return system.complete() ? system : IdxSource.classpath(BUNDLED_PREFIX);
  }
}
