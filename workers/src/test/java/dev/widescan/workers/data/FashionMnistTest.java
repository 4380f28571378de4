package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  private static final Path NO_SYSTEM_DIR = Path.of("/nonexistent/widescan-test");

  @TempDir Path dir;

  @Test
  void bundledSubsetHoldsTheStatedCounts() {
    IdxSource bundled = FashionMnist.source(Optional.empty(), NO_SYSTEM_DIR);
    assertEquals("bundled subset (classpath datasets/fashion-mnist/)", bundled.description());
    assertEquals(
        new IdxHeader(0x803, new int[] {2000, 28, 28}),
        bundled.header(IdxSource.TRAIN_IMAGES, IdxReader.IMAGES_MAGIC));
    assertEquals(
        new IdxHeader(0x801, new int[] {2000}),
        bundled.header(IdxSource.TRAIN_LABELS, IdxReader.LABELS_MAGIC));
    assertEquals(
        new IdxHeader(0x803, new int[] {1000, 28, 28}),
        bundled.header(IdxSource.TEST_IMAGES, IdxReader.IMAGES_MAGIC));
    assertEquals(
        new IdxHeader(0x801, new int[] {1000}),
        bundled.header(IdxSource.TEST_LABELS, IdxReader.LABELS_MAGIC));
  }

  @Test
  void bundledSubsetEqualsTheFirstItemsOfTheDebianFiles() {
    assumeTrue(
        IdxSource.directory(FashionMnist.SYSTEM_DIR).complete(),
        "dataset-fashion-mnist not installed");
    Dataset bundled =
        FashionMnist.load(Optional.empty(), NO_SYSTEM_DIR, 2000, 1000, Preprocess.NONE);
    Dataset debian =
        FashionMnist.load(Optional.of(FashionMnist.SYSTEM_DIR), 2000, 1000, Preprocess.NONE);
    assertArrayEquals(debian.xTrain().data(), bundled.xTrain().data());
    assertArrayEquals(debian.yTrain(), bundled.yTrain());
    assertArrayEquals(debian.xTest().data(), bundled.xTest().data());
    assertArrayEquals(debian.yTest(), bundled.yTest());
    assertEquals(
        "directory " + FashionMnist.SYSTEM_DIR, FashionMnist.describeSource(Optional.empty()));
  }

  @Test
  void labelHistogramOfTheFirstThousandTrainingImages() {
    int[] y = FashionMnist.load(Optional.empty(), NO_SYSTEM_DIR, 1000, 0, Preprocess.NONE).yTrain();
    int[] counts = new int[10];
    for (int label : y) {
      counts[label]++;
    }
    // facts of Fashion-MNIST's training file, counted once with python3
    assertArrayEquals(new int[] {107, 104, 86, 92, 95, 100, 100, 115, 102, 99}, counts);
  }

  @Test
  void loadsShapesAndScaledPixels() {
    Dataset d = FashionMnist.load(Optional.empty(), NO_SYSTEM_DIR, 30, 20, Preprocess.SCALE);
    assertEquals("fashion-mnist", d.name());
    assertEquals(784, d.features());
    assertEquals(30, d.trainSize());
    assertEquals(20, d.testSize());
    assertEquals(10, d.classes());
    for (double v : d.xTrain().data()) {
      assertTrue(v >= 0 && v <= 1, "scaled pixel " + v);
    }
    // first training image is an ankle boot (label 9), first test image too
    assertEquals(9, d.yTrain()[0]);
    assertEquals(9, d.yTest()[0]);
  }

  @Test
  void askingTheBundledSubsetForTooMuchSaysCountsAndHowToGetMore() {
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> FashionMnist.load(Optional.empty(), NO_SYSTEM_DIR, 2001, 10, Preprocess.NONE));
    assertEquals(
        "asked for 2001 training examples of fashion-mnist but the bundled subset (classpath"
            + " datasets/fashion-mnist/) has only 2000; for more, install the Debian package"
            + " dataset-fashion-mnist (files in /usr/share/datasets/fashion-mnist) or configure a"
            + " directory holding the four Fashion-MNIST IDX files",
        e.getMessage());
    e =
        assertThrows(
            DatasetException.class,
            () -> FashionMnist.load(Optional.empty(), NO_SYSTEM_DIR, 10, 1001, Preprocess.NONE));
    assertTrue(e.getMessage().startsWith("asked for 1001 test examples"), e.getMessage());
  }

  @Test
  void aConfiguredDirectoryIsTheOnlyPlaceLookedAt() {
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> FashionMnist.load(Optional.of(dir), 10, 10, Preprocess.NONE));
    assertEquals(
        dir.resolve("train-images-idx3-ubyte.gz")
            + " not found; expected an IDX images file, unsigned bytes, 3 dimensions there (gzip or"
            + " raw)",
        e.getMessage());
  }

  @Test
  void catalogLoadsMnistFromADirectoryAndRejectsUnknownNames() throws IOException {
    writeTinySet(dir, 4, 3);
    Dataset d = DatasetCatalog.load("mnist", Optional.of(dir), 4, 3, Preprocess.NONE);
    assertEquals("mnist", d.name());
    assertArrayEquals(new int[] {0, 1, 2, 3}, d.yTrain());
    assertArrayEquals(new int[] {0, 1, 2}, d.yTest());
    assertEquals(4, d.features());
    assertEquals((3 * 37 + 1) % 256, d.xTrain().get(0, 3));

    assertEquals(
        "fashion-mnist",
        DatasetCatalog.load("fashion-mnist", Optional.of(dir), 2, 2, Preprocess.NONE).name());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetCatalog.load("cifar-100", Optional.empty(), 1, 1, Preprocess.NONE));
    assertEquals(
        "unknown data set 'cifar-100', expected one of fashion-mnist, mnist", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetCatalog.load("mnist", Optional.empty(), 1, 1, Preprocess.NONE));
    assertTrue(e.getMessage().startsWith("mnist has no default location"), e.getMessage());
  }

  @Test
  void mismatchedImageAndLabelCountsAndBadLabelsAreErrors() throws IOException {
    writeTinySet(dir, 4, 3);
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_LABELS,
        IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {0, 1, 2}));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> DatasetCatalog.load("mnist", Optional.of(dir), 1, 1, Preprocess.NONE));
    assertTrue(e.getMessage().contains("holds 4 images but"), e.getMessage());

    IdxFiles.write(
        dir,
        IdxSource.TRAIN_LABELS,
        IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {0, 1, 12, 3}));
    e =
        assertThrows(
            DatasetException.class,
            () -> DatasetCatalog.load("mnist", Optional.of(dir), 4, 1, Preprocess.NONE));
    assertTrue(e.getMessage().endsWith("label of item 2 is 12, expected 0..9"), e.getMessage());
  }

  /**
   * Four IDX files of 2×2 images with labels 0, 1, 2, …; the training ones gzip, the test ones raw.
   */
  private static void writeTinySet(Path dir, int train, int test) throws IOException {
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_IMAGES,
        IdxFiles.gzip(
            IdxFiles.idx(
                IdxReader.IMAGES_MAGIC, new int[] {train, 2, 2}, IdxFiles.ramp(train * 4, 1))));
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_LABELS,
        IdxFiles.gzip(IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {train}, labels(train))));
    IdxFiles.write(
        dir,
        IdxSource.TEST_IMAGES,
        IdxFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {test, 2, 2}, IdxFiles.ramp(test * 4, 2)));
    IdxFiles.write(
        dir,
        IdxSource.TEST_LABELS,
        IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {test}, labels(test)));
  }

  private static byte[] labels(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 10);
    }
    return b;
  }
}
