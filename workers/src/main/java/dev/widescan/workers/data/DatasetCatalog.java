package dev.widescan.workers.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The data sets widescan can load, by name. */
public final class DatasetCatalog {
  public static final String MNIST = "mnist";

  private DatasetCatalog() {}

  /** The names {@link #load} accepts. */
  public static List<String> names() {
    return List.of(FashionMnist.NAME, MNIST);
  }

  /**
   * Loads the first {@code train} training and {@code test} test examples of data set {@code name}.
   *
   * <ul>
   *   <li>{@code fashion-mnist}: see {@link FashionMnist} for where it is looked for.
   *   <li>{@code mnist}: only from {@code dir}, which must hold the four IDX files under their
   *       standard names ({@code train-images-idx3-ubyte.gz} etc.; gzip or raw contents).
   * </ul>
   *
   * @throws IllegalArgumentException for an unknown name, or mnist without a directory
   * @throws DatasetException if the files are missing, corrupt or too small
   */
  public static Dataset load(
      String name, Optional<Path> dir, int train, int test, Preprocess preprocess) {
    switch (name) {
      case FashionMnist.NAME:
        return FashionMnist.load(dir, train, test, preprocess);
      case MNIST:
        Path d =
            dir.orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "mnist has no default location: configure a directory holding "
                            + String.join(", ", IdxSource.FILES)));
        return IdxDatasets.load(
            MNIST,
            IdxSource.directory(d),
            train,
            test,
            preprocess,
            10,
            "configure a directory with the full MNIST files");
      default:
        throw new IllegalArgumentException(
            "unknown data set '" + name + "', expected one of " + String.join(", ", names()));
    }
  }
}
