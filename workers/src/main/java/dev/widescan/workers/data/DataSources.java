package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The readers behind {@link DataSource}, and how a directory's contents pick one. */
final class DataSources {
  private DataSources() {}

  /**
   * The data set in directory {@code dir} under {@code name}, by the files it holds (first match):
   * the four MNIST-style IDX files; CIFAR-10 batches ({@code data_batch_*.bin}, {@code
   * test_batch.bin}); CIFAR-100 ({@code train.bin}, {@code test.bin}); an {@code .npz} with arrays
   * {@code x_train, y_train, x_test, y_test}; the four {@code .npy} files of those names; {@code
   * train.arrow}/{@code test.arrow} (or {@code .feather}).
   */
  static Optional<DataSource> detect(String name, Path dir, int knownClasses) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    IdxSource idx = IdxSource.directory(dir);
    for (String f : IdxSource.FILES) {
      if (idx.has(f)) {
        return Optional.of(new Idx(name, idx, knownClasses));
      }
    }
    if (Files.isRegularFile(dir.resolve("test_batch.bin")) || !cifarBatches(dir).isEmpty()) {
      return Optional.of(new Cifar(name, dir, CifarReader.Layout.CIFAR10));
    }
    if (Files.isRegularFile(dir.resolve("train.bin"))
        || Files.isRegularFile(dir.resolve("test.bin"))) {
      return Optional.of(
          new Cifar(
              name,
              dir,
              name.endsWith("-coarse")
                  ? CifarReader.Layout.CIFAR100_COARSE
                  : CifarReader.Layout.CIFAR100_FINE));
    }
    Optional<Path> npz = npz(dir, name);
    if (npz.isPresent()) {
      return Optional.of(new Npy(name, dir, npz, knownClasses));
    }
    if (Stream.of(Npy.KEYS).anyMatch(k -> Files.isRegularFile(dir.resolve(k + ".npy")))) {
      return Optional.of(new Npy(name, dir, Optional.empty(), knownClasses));
    }
    for (String ext : List.of(".arrow", ".feather")) {
      if (Files.isRegularFile(dir.resolve("train" + ext))
          || Files.isRegularFile(dir.resolve("test" + ext))) {
        return Optional.of(new Arrow(name, dir, ext, knownClasses));
      }
    }
    return Optional.empty();
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static final Pattern BATCH = Pattern.compile("data_batch_(\\d+)\\.bin");

  static List<Path> cifarBatches(Path dir) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> BATCH.matcher(p.getFileName().toString()).matches()).forEach(out::add);
    } catch (IOException e) {
      return out;
    }
    out.sort(
        Comparator.comparingInt(
            p -> {
              Matcher m = BATCH.matcher(p.getFileName().toString());
              m.matches();
              return Integer.parseInt(m.group(1));
            }));
    return out;
  }

  private static Optional<Path> npz(Path dir, String name) {
    Path preferred = dir.resolve(name + ".npz");
    if (Files.isRegularFile(preferred)) {
      return Optional.of(preferred);
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".npz")).sorted().findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** MNIST-style: four IDX files. */
  static final class Idx extends DataSource {
    private final String name;
    private final IdxSource source;
    private final int classes;

    Idx(String name, IdxSource source, int classes) {
      this.name = name;
      this.source = source;
      this.classes = classes;
    }

    @Override
    String name() {
      return name;
    }

    @Override
    String format() {
      return "idx";
    }

    @Override
    String location() {
      return source
          .path(IdxSource.TRAIN_IMAGES)
          .map(p -> p.getParent().toString())
          .orElse("classpath:" + source.prefix());
    }

    @Override
    int declaredClasses() {
      return classes;
    }

    private static String imagesOf(Split s) {
      return s == Split.TRAIN ? IdxSource.TRAIN_IMAGES : IdxSource.TEST_IMAGES;
    }

    private static String labelsOf(Split s) {
      return s == Split.TRAIN ? IdxSource.TRAIN_LABELS : IdxSource.TEST_LABELS;
    }

    @Override
    List<Integer> shape() {
      int[] dims = source.header(IdxSource.TRAIN_IMAGES, IdxReader.IMAGES_MAGIC).dims();
      List<Integer> s = new ArrayList<>();
      for (int i = 1; i < dims.length; i++) {
        s.add(dims[i]);
      }
      return s;
    }

    @Override
    long count(Split split) {
      IdxHeader images = source.header(imagesOf(split), IdxReader.IMAGES_MAGIC);
      IdxHeader labels = source.header(labelsOf(split), IdxReader.LABELS_MAGIC);
      if (images.items() != labels.items()) {
        throw new DatasetException(
            source.locate(imagesOf(split))
                + " holds "
                + images.items()
                + " images but "
                + source.locate(labelsOf(split))
                + " holds "
                + labels.items()
                + " labels; expected the same count");
      }
      source.checkComplete(imagesOf(split), images);
      source.checkComplete(labelsOf(split), labels);
      return images.items();
    }

    @Override
    List<String> files() {
      return List.of(IdxSource.FILES);
    }

    @Override
    long bytes() {
      long b = 0;
      for (String f : IdxSource.FILES) {
        b += Math.max(0, source.size(f));
      }
      return b;
    }

    @Override
    Map<String, String> checksums(Checksums checksums) {
      Map<String, String> m = new LinkedHashMap<>();
      for (String f : IdxSource.FILES) {
        m.put(f, source.sha256(f, checksums));
      }
      return m;
    }

    @Override
    int[] labels(Split split) {
      return readLabels(split, (int) count(split));
    }

    private int[] readLabels(Split split, int limit) {
      int[] y = source.read(labelsOf(split), IdxReader.LABELS_MAGIC, limit).toLabels();
      if (classes > 0) {
        for (int i = 0; i < y.length; i++) {
          if (y[i] >= classes) {
            throw new DatasetException(
                source.locate(labelsOf(split))
                    + ": label of item "
                    + i
                    + " is "
                    + y[i]
                    + ", expected 0.."
                    + (classes - 1));
          }
        }
      }
      return y;
    }

    @Override
    Examples read(Split split, int limit) {
      Matrix x = source.read(imagesOf(split), IdxReader.IMAGES_MAGIC, limit).toMatrix();
      return new Examples(x, readLabels(split, limit));
    }
  }

  /** CIFAR-10 / CIFAR-100 binary batches. */
  static final class Cifar extends DataSource {
    private final String name;
    private final Path dir;
    private final CifarReader.Layout layout;

    Cifar(String name, Path dir, CifarReader.Layout layout) {
      this.name = name;
      this.dir = dir;
      this.layout = layout;
    }

    @Override
    String name() {
      return name;
    }

    @Override
    String format() {
      return "cifar";
    }

    @Override
    String location() {
      return dir.toString();
    }

    @Override
    int declaredClasses() {
      return layout.classes();
    }

    @Override
    List<Integer> shape() {
      return List.of(3, 32, 32);
    }

    private List<Path> filesOf(Split split) {
      if (layout == CifarReader.Layout.CIFAR10) {
        if (split == Split.TEST) {
          return List.of(dir.resolve("test_batch.bin"));
        }
        List<Path> batches = cifarBatches(dir);
        return batches.isEmpty() ? List.of(dir.resolve("data_batch_1.bin")) : batches;
      }
      return List.of(dir.resolve(split == Split.TRAIN ? "train.bin" : "test.bin"));
    }

    @Override
    long count(Split split) {
      long n = 0;
      for (Path p : filesOf(split)) {
        n += CifarReader.count(p, layout);
      }
      return n;
    }

    @Override
    List<String> files() {
      List<String> f = new ArrayList<>();
      for (Split s : Split.values()) {
        for (Path p : filesOf(s)) {
          f.add(p.getFileName().toString());
        }
      }
      return f;
    }

    @Override
    long bytes() {
      long b = 0;
      for (String f : files()) {
        b += size(dir.resolve(f));
      }
      return b;
    }

    @Override
    Map<String, String> checksums(Checksums checksums) {
      Map<String, String> m = new LinkedHashMap<>();
      for (String f : files()) {
        m.put(f, checksums.sha256(dir.resolve(f)));
      }
      return m;
    }

    @Override
    int[] labels(Split split) {
      List<int[]> parts = new ArrayList<>();
      for (Path p : filesOf(split)) {
        parts.add(CifarReader.labels(p, layout));
      }
      return concat(parts);
    }

    @Override
    Examples read(Split split, int limit) {
      double[] x = new double[Math.multiplyExact(limit, CifarReader.PIXELS)];
      int[] y = new int[limit];
      int at = 0;
      for (Path p : filesOf(split)) {
        if (at == limit) {
          break;
        }
        int take = Math.min(limit - at, CifarReader.count(p, layout));
        Examples e = CifarReader.read(p, layout, take);
        System.arraycopy(e.x().data(), 0, x, at * CifarReader.PIXELS, e.x().data().length);
        System.arraycopy(e.y(), 0, y, at, take);
        at += take;
      }
      if (at < limit) {
        throw new DatasetException(
            "asked for " + limit + " " + split.id() + " examples, " + dir + " has " + at);
      }
      return new Examples(new Matrix(limit, CifarReader.PIXELS, x), y);
    }
  }

  /** NumPy arrays x_train, y_train, x_test, y_test in one .npz or four .npy files. */
  static final class Npy extends DataSource {
    static final String[] KEYS = {"x_train", "y_train", "x_test", "y_test"};
    private final String name;
    private final Path dir;
    private final Optional<Path> npz;
    private final int classes;

    Npy(String name, Path dir, Optional<Path> npz, int classes) {
      this.name = name;
      this.dir = dir;
      this.npz = npz;
      this.classes = classes;
    }

    @Override
    String name() {
      return name;
    }

    @Override
    String format() {
      return npz.isPresent() ? "npz" : "npy";
    }

    @Override
    String location() {
      return dir.toString();
    }

    @Override
    int declaredClasses() {
      return classes;
    }

    private String where(String key) {
      return npz.map(p -> p + "[" + key + "]").orElse(dir.resolve(key + ".npy").toString());
    }

    private NpyHeader header(String key) {
      return npz.isPresent()
          ? NpyReader.readNpzHeader(npz.get(), key)
          : NpyReader.readHeader(dir.resolve(key + ".npy"));
    }

    private NpyArray array(String key, int limit) {
      return npz.isPresent()
          ? NpyReader.readNpz(npz.get(), key, limit)
          : NpyReader.read(dir.resolve(key + ".npy"), limit);
    }

    @Override
    List<Integer> shape() {
      long[] s = header("x_train").shape();
      List<Integer> out = new ArrayList<>();
      for (int i = 1; i < s.length; i++) {
        out.add((int) s[i]);
      }
      return out;
    }

    @Override
    long count(Split split) {
      String xk = "x_" + split.id();
      String yk = "y_" + split.id();
      NpyHeader x = header(xk);
      NpyHeader y = header(yk);
      if (x.shape().length < 2) {
        throw new DatasetException(
            where(xk) + " has shape " + x.shapeText() + ", expected (examples, features...)");
      }
      if (y.shape().length != 1) {
        throw new DatasetException(
            where(yk) + " has shape " + y.shapeText() + ", expected (examples,) of labels");
      }
      if (x.items() != y.items()) {
        throw new DatasetException(
            where(xk)
                + " holds "
                + x.items()
                + " examples but "
                + where(yk)
                + " holds "
                + y.items()
                + " labels; expected the same count");
      }
      return x.items();
    }

    @Override
    List<String> files() {
      if (npz.isPresent()) {
        return List.of(npz.get().getFileName().toString());
      }
      return Arrays.stream(KEYS).map(k -> k + ".npy").toList();
    }

    @Override
    long bytes() {
      return files().stream().mapToLong(f -> size(dir.resolve(f))).sum();
    }

    @Override
    Map<String, String> checksums(Checksums checksums) {
      Map<String, String> m = new LinkedHashMap<>();
      for (String f : files()) {
        m.put(f, checksums.sha256(dir.resolve(f)));
      }
      return m;
    }

    @Override
    int[] labels(Split split) {
      return array("y_" + split.id(), -1).toLabels(where("y_" + split.id()));
    }

    @Override
    Examples read(Split split, int limit) {
      Matrix x = array("x_" + split.id(), limit).toMatrix();
      int[] y = array("y_" + split.id(), limit).toLabels(where("y_" + split.id()));
      return new Examples(x, y);
    }
  }

  /** Arrow IPC files train.arrow and test.arrow (or .feather). */
  static final class Arrow extends DataSource {
    private final String name;
    private final Path dir;
    private final String ext;
    private final int classes;
    private final Map<Split, ArrowExamplesReader.Layout> layouts = new LinkedHashMap<>();

    Arrow(String name, Path dir, String ext, int classes) {
      this.name = name;
      this.dir = dir;
      this.ext = ext;
      this.classes = classes;
    }

    private Path file(Split s) {
      return dir.resolve(s.id() + ext);
    }

    private synchronized ArrowExamplesReader.Layout layout(Split s) {
      return layouts.computeIfAbsent(s, k -> ArrowExamplesReader.layout(file(k)));
    }

    @Override
    String name() {
      return name;
    }

    @Override
    String format() {
      return "arrow";
    }

    @Override
    String location() {
      return dir.toString();
    }

    @Override
    int declaredClasses() {
      return classes;
    }

    @Override
    List<Integer> shape() {
      return List.of(layout(Split.TRAIN).features());
    }

    @Override
    long count(Split split) {
      ArrowExamplesReader.Layout l = layout(split);
      int trainFeatures = layout(Split.TRAIN).features();
      if (l.features() != trainFeatures) {
        throw new DatasetException(
            file(split)
                + " has "
                + l.features()
                + " inputs per example, "
                + file(Split.TRAIN)
                + " has "
                + trainFeatures
                + "; expected the same");
      }
      return l.rows();
    }

    @Override
    List<String> files() {
      return List.of("train" + ext, "test" + ext);
    }

    @Override
    long bytes() {
      return size(file(Split.TRAIN)) + size(file(Split.TEST));
    }

    @Override
    Map<String, String> checksums(Checksums checksums) {
      Map<String, String> m = new LinkedHashMap<>();
      for (Split s : Split.values()) {
        m.put(s.id() + ext, checksums.sha256(file(s)));
      }
      return m;
    }

    @Override
    int[] labels(Split split) {
      return ArrowExamplesReader.read(file(split), -1).y();
    }

    @Override
    Examples read(Split split, int limit) {
      return ArrowExamplesReader.read(file(split), limit);
    }
  }

  /** A {@link Synthetic} generator: no files, unbounded splits. */
  static final class Generated extends DataSource {
    private final Synthetic synthetic;

    Generated(Synthetic synthetic) {
      this.synthetic = synthetic;
    }

    @Override
    String name() {
      return synthetic.canonicalName();
    }

    @Override
    String format() {
      return "synthetic";
    }

    @Override
    String location() {
      return "generated";
    }

    @Override
    int declaredClasses() {
      return synthetic.classes();
    }

    @Override
    List<Integer> shape() {
      return List.of(synthetic.features());
    }

    @Override
    long count(Split split) {
      return -1;
    }

    @Override
    List<String> files() {
      return List.of();
    }

    @Override
    long bytes() {
      return 0;
    }

    @Override
    Map<String, String> checksums(Checksums checksums) {
      return Map.of();
    }

    @Override
    int[] labels(Split split) {
      throw new IllegalArgumentException(
          "synthetic data sets are unbounded; only the subset rule 'first' applies");
    }

    @Override
    Examples read(Split split, int limit) {
      return synthetic.generate(split, limit);
    }
  }

  static int[] concat(List<int[]> parts) {
    int n = parts.stream().mapToInt(a -> a.length).sum();
    int[] out = new int[n];
    int at = 0;
    for (int[] a : parts) {
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }
}
