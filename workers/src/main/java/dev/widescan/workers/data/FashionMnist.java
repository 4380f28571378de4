package dev.widescan.workers.data;

import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017,
 * https://github.com/zalandoresearch/fashion-mnist): 28×28 grey-scale images of clothing in 10
 * classes, 60,000 for training and 10,000 for testing, as four IDX files ({@code
 * train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code
 * t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; gzip or raw contents).
 *
 * <p>Load it through {@link DatasetRegistry}, which finds {@code fashion-mnist/} under its data
 * directories (Debian's package {@code dataset-fashion-mnist} puts it in {@code
 * /usr/share/datasets}) and otherwise falls back to the subset bundled on the class path under
 * {@link #BUNDLED_PREFIX}: the first {@value #BUNDLED_TRAIN} training and first {@value
 * #BUNDLED_TEST} test examples.
 */
public final class FashionMnist {
  public static final String NAME = "fashion-mnist";
  public static final String BUNDLED_PREFIX = "datasets/fashion-mnist/";
  public static final int BUNDLED_TRAIN = 2000;
  public static final int BUNDLED_TEST = 1000;
  public static final int CLASSES = 10;

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

  private FashionMnist() {}
}
