package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRegistryTest {
  @TempDir Path root;

  private DatasetRegistry registry(Path... dirs) {
    return new DatasetRegistry(List.of(dirs), true, new Checksums(Optional.empty()));
  }

  /** An MNIST-style set of 2×2 images: labels i mod 10, pixels from {@link IdxFiles#ramp}. */
  private static Path writeIdx(Path dir, int train, int test, int offset) throws IOException {
    Files.createDirectories(dir);
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_IMAGES,
        IdxFiles.gzip(
            IdxFiles.idx(
                IdxReader.IMAGES_MAGIC,
                new int[] {train, 2, 2},
                IdxFiles.ramp(train * 4, offset))));
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_LABELS,
        IdxFiles.gzip(IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {train}, labels(train))));
    IdxFiles.write(
        dir,
        IdxSource.TEST_IMAGES,
        IdxFiles.idx(
            IdxReader.IMAGES_MAGIC, new int[] {test, 2, 2}, IdxFiles.ramp(test * 4, offset + 1)));
    IdxFiles.write(
        dir,
        IdxSource.TEST_LABELS,
        IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {test}, labels(test)));
    return dir;
  }

  private static byte[] labels(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 10);
    }
    return b;
  }

  @Test
  void firstConfiguredDirectoryWinsAndListingShowsSizesAndShapes() throws IOException {
    Path a = root.resolve("a");
    Path b = root.resolve("b");
    writeIdx(a.resolve("kmnist"), 6, 4, 1);
    writeIdx(b.resolve("kmnist"), 8, 4, 2);
    writeIdx(b.resolve("mnist"), 12, 5, 3);
    DatasetRegistry r = registry(a, b);
    LoadedDataset k =
        r.load(
            DatasetRequest.of("kmnist", 6, 4)
                .withPreprocessing(Preprocessing.of(Preprocessing.Kind.NONE)));
    assertEquals(1.0, k.data().xTrain().get(0, 0), "from a/, whose ramp starts at 1");

    Map<String, DatasetInfo> listed =
        r.available().stream().collect(Collectors.toMap(DatasetInfo::name, i -> i));
    DatasetInfo kmnist = listed.get("kmnist");
    assertEquals(a.resolve("kmnist").toString(), kmnist.location());
    assertEquals(6, kmnist.train());
    assertEquals(List.of(2, 2), kmnist.shape());
    assertEquals(10, kmnist.classes());
    assertEquals(Optional.empty(), kmnist.problem());
    assertEquals(12, listed.get("mnist").train());
    assertEquals(
        Files.size(b.resolve("mnist").resolve(IdxSource.TRAIN_IMAGES))
            + Files.size(b.resolve("mnist").resolve(IdxSource.TRAIN_LABELS))
            + Files.size(b.resolve("mnist").resolve(IdxSource.TEST_IMAGES))
            + Files.size(b.resolve("mnist").resolve(IdxSource.TEST_LABELS)),
        listed.get("mnist").bytes());
    assertEquals("classpath:datasets/fashion-mnist/", listed.get("fashion-mnist").location());
    assertEquals(2000, listed.get("fashion-mnist").train());
    assertEquals(-1, listed.get("teacher:classes=10,d=32,hidden=64,seed=0").train());
  }

  @Test
  void validationNamesTheFileAndWhatWasExpected() throws IOException {
    Path dir = writeIdx(root.resolve("mnist"), 6, 4, 1);
    DatasetRegistry r = registry(root);
    DatasetException e =
        assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 7, 4)));
    assertEquals(
        "asked for 7 training examples of mnist but " + dir + " has only 6", e.getMessage());

    IdxFiles.write(
        dir, IdxSource.TEST_LABELS, IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {3}, labels(3)));
    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 1, 1)));
    assertEquals(
        dir.resolve(IdxSource.TEST_IMAGES)
            + " holds 4 images but "
            + dir.resolve(IdxSource.TEST_LABELS)
            + " holds 3 labels; expected the same count",
        e.getMessage());

    // a gzip file cut short: the trailer no longer matches what the header promises
    writeIdx(dir, 6, 4, 1);
    byte[] gz = Files.readAllBytes(dir.resolve(IdxSource.TRAIN_IMAGES));
    Files.write(dir.resolve(IdxSource.TRAIN_IMAGES), Arrays.copyOf(gz, gz.length - 6));
    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 1, 1)));
    assertTrue(
        e.getMessage()
            .startsWith(
                dir.resolve(IdxSource.TRAIN_IMAGES)
                    + " is truncated or corrupt: its IDX header promises 6 items of 4 bytes (40"
                    + " bytes uncompressed)"),
        e.getMessage());

    // a raw file cut short is found from its size
    writeIdx(dir, 6, 4, 1);
    byte[] raw = Files.readAllBytes(dir.resolve(IdxSource.TEST_IMAGES));
    Files.write(dir.resolve(IdxSource.TEST_IMAGES), Arrays.copyOf(raw, raw.length - 1));
    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 1, 1)));
    assertEquals(
        dir.resolve(IdxSource.TEST_IMAGES)
            + " is truncated: its header promises 4 items of 4 bytes (32 bytes in all), but the"
            + " file has 31",
        e.getMessage());

    // wrong magic: labels where images belong
    writeIdx(dir, 6, 4, 1);
    Files.copy(
        dir.resolve(IdxSource.TRAIN_LABELS),
        dir.resolve(IdxSource.TRAIN_IMAGES),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 1, 1)));
    assertTrue(e.getMessage().contains("has magic number 0x00000801"), e.getMessage());

    Files.delete(dir.resolve(IdxSource.TEST_LABELS));
    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("mnist", 1, 1)));
    assertTrue(e.getMessage().startsWith(dir.resolve(IdxSource.TRAIN_IMAGES) + " has magic"));

    e = assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("svhn", 1, 1)));
    assertEquals(
        "no data set 'svhn': looked for "
            + root.resolve("svhn")
            + "; set WIDESCAN_DATA_PATH to the directories holding it",
        e.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                r.validate(
                    DatasetRequest.of("fashion-mnist", 10, 10)
                        .withTargets(Targets.PLUS_MINUS_ONE)));
    assertEquals(
        "targets plus-minus-one need exactly 2 classes, the data set has 10", bad.getMessage());
  }

  @Test
  void identityFollowsFileContentNotLocationAndIsCheapOnceHashed() throws IOException {
    writeIdx(root.resolve("x").resolve("mnist"), 6, 4, 1);
    writeIdx(root.resolve("y").resolve("mnist"), 6, 4, 1);
    Checksums sums = new Checksums(Optional.empty());
    DatasetRegistry x = new DatasetRegistry(List.of(root.resolve("x")), false, sums);
    DatasetRegistry y = new DatasetRegistry(List.of(root.resolve("y")), false, sums);
    DatasetRequest req = DatasetRequest.of("mnist", 5, 3);
    DatasetIdentity id = x.identity(req);
    assertEquals(id, y.identity(req), "same bytes elsewhere: same identity");
    assertEquals(8, sums.computed());
    x.identity(req);
    x.identity(req.withSubset(Subset.random(1)));
    assertEquals(8, sums.computed(), "unchanged files are not read again");
    assertEquals(id.hash(), x.load(req).identity().hash());
    assertNotEquals(id.hash(), x.identity(req.withSubset(Subset.random(1))).hash());
    assertNotEquals(id.hash(), x.identity(req.withPreprocessing(Preprocessing.zca(0.1))).hash());
    assertTrue(
        id.canonical()
            .contains(
                "file train-labels-idx1-ubyte.gz sha256="
                    + sums.sha256(root.resolve("x/mnist/train-labels-idx1-ubyte.gz"))),
        id.canonical());

    // rewrite one file with other pixels, same size, and the old modification time restored
    Path images = root.resolve("x").resolve("mnist").resolve(IdxSource.TEST_IMAGES);
    FileTime mtime = Files.getLastModifiedTime(images);
    IdxFiles.write(
        images.getParent(),
        IdxSource.TEST_IMAGES,
        IdxFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {4, 2, 2}, IdxFiles.ramp(16, 9)));
    Files.setLastModifiedTime(images, FileTime.fromMillis(mtime.toMillis() + 1));
    DatasetIdentity changed = x.identity(req);
    assertNotEquals(id.hash(), changed.hash());
    LoadedDataset now = x.load(req);
    DatasetException e = assertThrows(DatasetException.class, () -> now.requireIdentity(id.hash()));
    assertTrue(e.getMessage().contains("files changed since submission"), e.getMessage());
  }

  @Test
  void checksumCacheSurvivesInAFile() throws IOException {
    Path data = writeIdx(root.resolve("mnist"), 2, 2, 1);
    Path store = root.resolve("cache").resolve("sha256.tsv");
    Checksums first = new Checksums(Optional.of(store));
    String sum = first.sha256(data.resolve(IdxSource.TRAIN_IMAGES));
    Checksums second = new Checksums(Optional.of(store));
    assertEquals(sum, second.sha256(data.resolve(IdxSource.TRAIN_IMAGES)));
    assertEquals(0, second.computed());
  }

  @Test
  void samePreprocessingForEveryLoadOfOneIdentity() {
    DatasetRequest req =
        DatasetRequest.of("fashion-mnist", 300, 50)
            .withSubset(Subset.random(3))
            .withPreprocessing(Preprocessing.zca(0.1))
            .withTargets(Targets.CENTRED);
    DatasetRegistry a = registry(root);
    DatasetRegistry b = registry(root);
    LoadedDataset one = a.load(req);
    LoadedDataset two = b.load(req);
    assertEquals(one.identity(), two.identity());
    assertArrayEquals(one.data().xTrain().data(), two.data().xTrain().data(), 0.0);
    assertArrayEquals(one.data().xTest().data(), two.data().xTest().data(), 0.0);
    assertArrayEquals(one.trainTargets().data(), two.trainTargets().data(), 0.0);
    assertEquals("zca:eps=0.1", one.identity().preprocessing());
    assertEquals(10, one.trainTargets().cols());
  }

  @Test
  void stratifiedSubsetOfTheBundledFashionMnistHasProportionalClassCounts() {
    // the bundled 2000 training labels count 194, 216, 202, 195, 186, 200, 194, 215, 198, 200;
    // n = 200 gives floors 19, 21, 20, 19, 18, 20, 19, 21, 19, 20 (196) and the 4 largest
    // remainders (classes 8, 1, 4, 3) one more each
    LoadedDataset d =
        registry(root)
            .load(DatasetRequest.of("fashion-mnist", 200, 100).withSubset(Subset.stratified(5)));
    int[] counts = new int[10];
    for (int y : d.data().yTrain()) {
      counts[y]++;
    }
    assertArrayEquals(new int[] {19, 22, 20, 20, 19, 20, 19, 21, 20, 20}, counts);
    for (int i = 0; i < 200; i++) {
      assertTrue(d.trainIndices()[i] < 2000);
    }
  }

  @Test
  void realFashionMnistLoadsInFullWithBalancedClasses() {
    Path system = Path.of("/usr/share/datasets");
    assumeTrue(
        Files.isRegularFile(system.resolve("fashion-mnist/train-images-idx3-ubyte.gz")),
        "dataset-fashion-mnist not installed");
    DatasetRegistry r = registry(system);
    DatasetRequest req =
        DatasetRequest.of("fashion-mnist", 60000, 10000)
            .withPreprocessing(Preprocessing.of(Preprocessing.Kind.NONE));
    DatasetInfo info = r.describe("fashion-mnist");
    assertEquals(60000, info.train());
    assertEquals(10000, info.test());
    assertEquals(List.of(28, 28), info.shape());
    DatasetIdentity id = r.identity(req);
    // SHA-256 of the files of Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1
    assertEquals(
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        id.files().get("train-labels-idx1-ubyte.gz"));
    assertEquals(
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        id.files().get("train-images-idx3-ubyte.gz"));
    LoadedDataset d = r.load(req);
    assertEquals(60000, d.data().trainSize());
    assertEquals(10000, d.data().testSize());
    assertEquals(784, d.data().features());
    int[] train = new int[10];
    for (int y : d.data().yTrain()) {
      train[y]++;
    }
    int[] test = new int[10];
    for (int y : d.data().yTest()) {
      test[y]++;
    }
    int[] sixThousand = new int[10];
    Arrays.fill(sixThousand, 6000);
    int[] thousand = new int[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(sixThousand, train);
    assertArrayEquals(thousand, test);
    assertEquals(id, d.identity());
  }

  @Test
  void bundledFashionMnistIsTheFirstExamplesOfBothSplits() {
    DatasetRegistry r = registry(root);
    DatasetInfo info = r.describe(FashionMnist.NAME);
    assertEquals("classpath:" + FashionMnist.BUNDLED_PREFIX, info.location());
    assertEquals(FashionMnist.BUNDLED_TRAIN, info.train());
    assertEquals(FashionMnist.BUNDLED_TEST, info.test());
    assertEquals(List.of(28, 28), info.shape());

    Dataset d =
        r.load(
                DatasetRequest.of(FashionMnist.NAME, 30, 20)
                    .withPreprocessing(Preprocessing.of(Preprocessing.Kind.SCALE)))
            .data();
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
  void labelHistogramOfTheFirstThousandBundledTrainingImages() {
    int[] y =
        registry(root)
            .load(
                DatasetRequest.of(FashionMnist.NAME, 1000, 0)
                    .withPreprocessing(Preprocessing.of(Preprocessing.Kind.NONE)))
            .data()
            .yTrain();
    int[] counts = new int[10];
    for (int label : y) {
      counts[label]++;
    }
    // facts of Fashion-MNIST's training file, counted once with python3
    assertArrayEquals(new int[] {107, 104, 86, 92, 95, 100, 100, 115, 102, 99}, counts);
  }

  @Test
  void bundledSubsetEqualsTheFirstItemsOfTheDebianFiles() {
    Path system = Path.of("/usr/share/datasets");
    assumeTrue(
        Files.isRegularFile(system.resolve("fashion-mnist/train-images-idx3-ubyte.gz")),
        "dataset-fashion-mnist not installed");
    DatasetRequest req =
        DatasetRequest.of(FashionMnist.NAME, FashionMnist.BUNDLED_TRAIN, FashionMnist.BUNDLED_TEST)
            .withPreprocessing(Preprocessing.of(Preprocessing.Kind.NONE));
    Dataset bundled = registry(root).load(req).data();
    DatasetRegistry debianRegistry = registry(system);
    Dataset debian = debianRegistry.load(req).data();
    assertArrayEquals(debian.xTrain().data(), bundled.xTrain().data());
    assertArrayEquals(debian.yTrain(), bundled.yTrain());
    assertArrayEquals(debian.xTest().data(), bundled.xTest().data());
    assertArrayEquals(debian.yTest(), bundled.yTest());
    assertEquals(
        system.resolve("fashion-mnist").toString(),
        debianRegistry.describe(FashionMnist.NAME).location());
  }

  @Test
  void askingTheBundledSubsetForTooMuchSaysCountsAndHowToGetMore() {
    DatasetRegistry r = registry(root);
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> r.validate(DatasetRequest.of(FashionMnist.NAME, 2001, 10)));
    assertEquals(
        "asked for 2001 training examples of fashion-mnist but classpath:datasets/fashion-mnist/"
            + " has only 2000; for more, install the Debian package dataset-fashion-mnist or put"
            + " the full files under a configured data directory",
        e.getMessage());
    e =
        assertThrows(
            DatasetException.class,
            () -> r.validate(DatasetRequest.of(FashionMnist.NAME, 10, 1001)));
    assertTrue(e.getMessage().startsWith("asked for 1001 test examples"), e.getMessage());
  }

  @Test
  void aFashionMnistDirectoryWithMissingFilesIsAnErrorNotTheBundledSubset() throws IOException {
    Path dir = writeIdx(root.resolve("fashion-mnist"), 4, 3, 1);
    Files.delete(dir.resolve(IdxSource.TRAIN_IMAGES));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> registry(root).validate(DatasetRequest.of(FashionMnist.NAME, 1, 1)));
    assertEquals(
        dir.resolve(IdxSource.TRAIN_IMAGES)
            + " not found; expected an IDX images file, unsigned bytes, 3 dimensions there (gzip or"
            + " raw)",
        e.getMessage());
  }

  @Test
  void aLabelBeyondTheClassCountIsAnError() throws IOException {
    Path dir = writeIdx(root.resolve("mnist"), 4, 3, 1);
    IdxFiles.write(
        dir,
        IdxSource.TRAIN_LABELS,
        IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {0, 1, 12, 3}));
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> registry(root).load(DatasetRequest.of("mnist", 4, 1)));
    assertEquals(
        dir.resolve(IdxSource.TRAIN_LABELS) + ": label of item 2 is 12, expected 0..9",
        e.getMessage());
  }

  @Test
  void loadsNpzNpyArrowAndCifarDirectories() throws IOException {
    Path npzDir = Files.createDirectories(root.resolve("tiny-npz"));
    Files.write(
        npzDir.resolve("tiny-npz.npz"), Base64.getDecoder().decode(NpyFixtures.DATASET_NPZ));
    Path arrowDir = Files.createDirectories(root.resolve("tiny-arrow"));
    FormatReadersTest.writeArrow(arrowDir.resolve("train.arrow"), 7, 5, 3);
    FormatReadersTest.writeArrow(arrowDir.resolve("test.arrow"), 4, 5, 4);
    Path cifar = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
    Files.write(
        cifar.resolve("data_batch_1.bin"), FormatReadersTest.cifar(3, CifarReader.Layout.CIFAR10));
    Files.write(
        cifar.resolve("data_batch_2.bin"), FormatReadersTest.cifar(2, CifarReader.Layout.CIFAR10));
    Files.write(
        cifar.resolve("test_batch.bin"), FormatReadersTest.cifar(2, CifarReader.Layout.CIFAR10));
    DatasetRegistry r = registry(root);
    Preprocessing none = Preprocessing.of(Preprocessing.Kind.NONE);

    LoadedDataset n = r.load(DatasetRequest.of("tiny-npz", 3, 2).withPreprocessing(none));
    assertEquals("npz", n.identity().format());
    assertEquals(3, n.data().classes(), "1 + the largest label of both splits");
    assertArrayEquals(new int[] {0, 2, 1}, n.data().yTrain());
    assertEquals(140.0, n.data().xTrain().get(1, 3));

    LoadedDataset a = r.load(DatasetRequest.of("tiny-arrow", 7, 4).withPreprocessing(none));
    assertEquals("arrow", a.identity().format());
    assertEquals(206.0, a.data().xTrain().get(6, 0));
    assertEquals(List.of("test.arrow", "train.arrow"), List.copyOf(a.identity().files().keySet()));

    LoadedDataset c = r.load(DatasetRequest.of("cifar-10", 5, 2).withPreprocessing(none));
    assertArrayEquals(new int[] {0, 3, 6, 0, 3}, c.data().yTrain(), "batch 1 then batch 2");
    assertEquals(1.0, c.data().xTrain().get(4, 0));
    assertEquals(List.of(3, 32, 32), r.describe("cifar-10").shape());
    DatasetException e =
        assertThrows(DatasetException.class, () -> r.validate(DatasetRequest.of("cifar-10", 6, 1)));
    assertEquals(
        "asked for 6 training examples of cifar-10 but " + cifar + " has only 5", e.getMessage());
  }

  @Test
  void syntheticDataIsDeterminedByItsParametersAndSeed() {
    DatasetRegistry r = registry(root);
    Preprocessing none = Preprocessing.of(Preprocessing.Kind.NONE);
    LoadedDataset small =
        r.load(DatasetRequest.of("teacher:seed=4,d=8", 20, 5).withPreprocessing(none));
    LoadedDataset large =
        r.load(
            DatasetRequest.of("teacher:d=8,classes=10,hidden=64,seed=4", 40, 5)
                .withPreprocessing(none));
    assertEquals("teacher:classes=10,d=8,hidden=64,seed=4", small.identity().name());
    assertArrayEquals(
        small.data().xTrain().data(),
        Arrays.copyOf(large.data().xTrain().data(), 20 * 8),
        0.0,
        "a smaller set is a prefix of a larger one");
    assertArrayEquals(small.data().yTrain(), Arrays.copyOf(large.data().yTrain(), 20));
    assertEquals(Map.of(), small.identity().files());

    LoadedDataset mix =
        r.load(
            DatasetRequest.of("gaussian-mixture:d=4,separation=20,sigma=0.5", 200, 10)
                .withPreprocessing(none)
                .withTargets(Targets.PLUS_MINUS_ONE));
    // with means 20 apart and σ = 0.5 the classes separate along their mean direction: the sum of
    // the class-1 mean minus the class-0 mean has norm close to 20
    double[] diff = new double[4];
    int[] count = new int[2];
    for (int i = 0; i < 200; i++) {
      int y = mix.data().yTrain()[i];
      count[y]++;
      for (int j = 0; j < 4; j++) {
        diff[j] += (y == 1 ? 1 : -1) * mix.data().xTrain().get(i, j);
      }
    }
    double norm = 0;
    for (int j = 0; j < 4; j++) {
      double m = diff[j] / 100;
      norm += m * m;
    }
    assertTrue(count[0] > 70 && count[1] > 70, Arrays.toString(count));
    assertEquals(20.0, Math.sqrt(norm), 2.0);
    assertEquals(1, mix.trainTargets().cols());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> r.validate(DatasetRequest.of("teacher", 10, 10).withSubset(Subset.random(1))));
    assertTrue(e.getMessage().contains("only the subset rule 'first' applies"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> r.validate(DatasetRequest.of("teacher:width=3", 10, 10)));
    assertEquals(
        "synthetic data set 'teacher:width=3': unknown key 'width', expected classes, d, hidden,"
            + " seed",
        e.getMessage());
  }
}
