package dev.widescan.workers.data;

import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.linalg.Matrix;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Resolves data set names to files under configured directories and loads them for a {@link
 * DatasetRequest}.
 *
 * <p>A name {@code n} is looked for as the sub-directory {@code <dir>/n} of each configured
 * directory in order (first match wins); {@code cifar-10} also as {@code cifar-10-batches-bin},
 * {@code cifar-100} (fine labels) and {@code cifar-100-coarse} as {@code cifar-100-binary}, the
 * names the CIFAR archives unpack to. What the directory holds picks the reader (see {@link
 * DataSources#detect}: IDX, CIFAR binary, {@code .npz}/{@code .npy}, Arrow IPC). {@code
 * fashion-mnist} falls back to the subset bundled on the class path ({@link FashionMnist}). Names
 * {@code teacher:…} and {@code gaussian-mixture:…} are generated ({@link Synthetic}).
 *
 * <p>Default directories ({@link #defaultDirectories}): the entries of the environment variable
 * {@value #PATH_ENV} (or system property {@value #PATH_PROPERTY}), separated by {@code :}; if
 * neither is set, {@code ~/.widescan/datasets} then {@code /usr/share/datasets} (where Debian's
 * {@code dataset-fashion-mnist} puts {@code fashion-mnist/}).
 *
 * <p>Errors: {@link DatasetException} for data that is missing, corrupt or too small (naming the
 * file and what was expected), {@link IllegalArgumentException} for a request that can never be met
 * (unknown preprocessing parameters, ±1 targets for ten classes). Both mean HTTP 400 at submission.
 */
public final class DatasetRegistry {
  public static final String PATH_ENV = "WIDESCAN_DATA_PATH";
  public static final String PATH_PROPERTY = "widescan.data.path";

  private static final Map<String, Integer> KNOWN_CLASSES =
      Map.of(
          "mnist", 10,
          "fashion-mnist", 10,
          "kmnist", 10,
          "cifar-10", 10,
          "cifar-100", 100,
          "cifar-100-coarse", 20);
  private static final Map<String, List<String>> ALIASES =
      Map.of(
          "cifar-10", List.of("cifar-10", "cifar-10-batches-bin"),
          "cifar-100", List.of("cifar-100", "cifar-100-binary"),
          "cifar-100-coarse", List.of("cifar-100", "cifar-100-binary"));

  private final List<Path> directories;
  private final boolean bundled;
  private final Checksums checksums;

  /**
   * @param directories searched in order for {@code <dir>/<name>}
   * @param bundled whether {@code fashion-mnist} falls back to the class-path subset
   * @param checksums where file hashes are cached
   */
  public DatasetRegistry(List<Path> directories, boolean bundled, Checksums checksums) {
    this.directories = List.copyOf(directories);
    this.bundled = bundled;
    this.checksums = checksums;
  }

  /** The default directories, the bundled subset and the JVM-wide checksum cache. */
  public static DatasetRegistry defaults() {
    return new DatasetRegistry(defaultDirectories(), true, Checksums.shared());
  }

  /**
   * The registry for a configured search path ({@code dir1:dir2:...}, searched in order, the
   * bundled subset last), or {@link #defaults()} when none is configured.
   */
  public static DatasetRegistry forPath(String pathList) {
    if (pathList == null || pathList.isBlank()) {
      return defaults();
    }
    List<Path> dirs =
        Arrays.stream(pathList.split(File.pathSeparator))
            .filter(s -> !s.isBlank())
            .map(Path::of)
            .toList();
    return new DatasetRegistry(dirs, true, Checksums.shared());
  }

  /** See the class comment. */
  public static List<Path> defaultDirectories() {
    String configured = System.getProperty(PATH_PROPERTY, System.getenv(PATH_ENV));
    if (configured != null && !configured.isBlank()) {
      return Arrays.stream(configured.split(File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .toList();
    }
    return List.of(
        Path.of(System.getProperty("user.home"), ".widescan", "datasets"),
        Path.of("/usr/share/datasets"));
  }

  public List<Path> directories() {
    return directories;
  }

  /**
   * Every data set found, first directory first, with sizes and shapes from headers (a broken one
   * is listed with its {@link DatasetInfo#problem}), then the bundled Fashion-MNIST subset if no
   * directory has Fashion-MNIST, then the synthetic generators with their default parameters.
   */
  public List<DatasetInfo> available() {
    Map<String, DatasetInfo> found = new LinkedHashMap<>();
    for (Path dir : directories) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> subdirs;
      try (Stream<Path> s = Files.list(dir)) {
        subdirs = s.filter(Files::isDirectory).sorted().toList();
      } catch (IOException e) {
        continue;
      }
      for (Path sub : subdirs) {
        String name = canonicalDirName(sub.getFileName().toString());
        if (found.containsKey(name)) {
          continue;
        }
        DataSources.detect(name, sub, KNOWN_CLASSES.getOrDefault(name, -1))
            .ifPresent(src -> found.put(name, src.info()));
      }
    }
    if (bundled && !found.containsKey(FashionMnist.NAME)) {
      found.put(FashionMnist.NAME, bundledFashionMnist().info());
    }
    for (String s : List.of(Synthetic.TEACHER, Synthetic.MIXTURE)) {
      DataSource g = new DataSources.Generated(Synthetic.parse(s).orElseThrow());
      found.put(g.name(), g.info());
    }
    return List.copyOf(found.values());
  }

  /** What {@code name} resolves to, from headers only. */
  public DatasetInfo describe(String name) {
    return resolve(name).info();
  }

  /**
   * Checks a request against the files' headers without reading the data: the name resolves, the
   * files exist with the right magic numbers and sizes, image and label counts agree, enough
   * examples exist, and subset, preprocessing and targets fit the data set.
   *
   * @throws DatasetException if the data is missing, corrupt or too small
   * @throws IllegalArgumentException if the request doesn't fit this data set
   */
  public void validate(DatasetRequest request) {
    validate(request, resolve(request.name()));
  }

  /**
   * The identity of what {@link #load} would return, from headers and cached file checksums (each
   * file is hashed once per path, size and modification time). Validates first.
   */
  public DatasetIdentity identity(DatasetRequest request) {
    DataSource source = resolve(request.name());
    validate(request, source);
    return identity(request, source);
  }

  /**
   * Loads, subsets, preprocesses and encodes what {@code request} asks for. Equal identities give
   * bit-identical results.
   */
  public LoadedDataset load(DatasetRequest request) {
    DataSource source = resolve(request.name());
    validate(request, source);
    Picked train = pick(source, Split.TRAIN, request.train(), request.subset());
    Picked test = pick(source, Split.TEST, request.test(), request.subset());
    int classes = source.classes();
    request.targets().check(classes);
    UnaryOperator<Matrix> transform = request.preprocessing().fit(train.examples.x());
    Dataset data =
        new Dataset(
            source.name(),
            transform.apply(train.examples.x()),
            train.examples.y(),
            transform.apply(test.examples.x()),
            test.examples.y(),
            classes,
            imageShape(source),
            source.format().equals("cifar"));
    return new LoadedDataset(
        identity(request, source),
        data,
        request.targets().encode(data.yTrain(), classes),
        request.targets().encode(data.yTest(), classes),
        train.indices,
        test.indices);
  }

  /**
   * The image shape of a source's examples: IDX and rank-3 arrays are height × width × 1, rank-4
   * arrays NHWC, CIFAR 32 × 32 × 3 (stored channel by channel); null for vectors.
   */
  static ImageShape imageShape(DataSource source) {
    List<Integer> dims = source.shape();
    if (source.format().equals("cifar")) {
      return new ImageShape(dims.get(1), dims.get(2), dims.get(0));
    }
    return switch (dims.size()) {
      case 2 -> new ImageShape(dims.get(0), dims.get(1), 1);
      case 3 -> new ImageShape(dims.get(0), dims.get(1), dims.get(2));
      default -> null;
    };
  }

  /** The image shape of a data set by name, or null for vectors (or when it cannot be read). */
  public ImageShape imageShape(String name) {
    return imageShape(resolve(name));
  }

  private record Picked(Examples examples, int[] indices) {}

  private static Picked pick(DataSource source, Split split, int n, Subset subset) {
    if (subset.kind() == Subset.Kind.FIRST) {
      Examples e = source.read(split, n);
      int[] idx = new int[n];
      Arrays.setAll(idx, i -> i);
      return new Picked(e, idx);
    }
    int[] labels = source.labels(split);
    int[] idx = subset.choose(split, n, labels.length, labels);
    int limit = Arrays.stream(idx).max().orElse(-1) + 1;
    return new Picked(source.read(split, limit).select(idx), idx);
  }

  private void validate(DatasetRequest r, DataSource source) {
    if (source.count(Split.TRAIN) < 0 && r.subset().kind() != Subset.Kind.FIRST) {
      throw new IllegalArgumentException(
          source.name()
              + " is synthetic and unbounded; only the subset rule 'first' applies, got "
              + r.subset().id());
    }
    checkCount(source, Split.TRAIN, r.train());
    checkCount(source, Split.TEST, r.test());
    if (r.preprocessing().kind().fitted() && r.train() == 0) {
      throw new IllegalArgumentException(
          "preprocessing "
              + r.preprocessing().id()
              + " fits statistics on the training subset, but train=0");
    }
    if (source.declaredClasses() >= 0) {
      r.targets().check(source.declaredClasses());
    }
  }

  private static void checkCount(DataSource source, Split split, int asked) {
    long available = source.count(split);
    if (available >= 0 && asked > available) {
      String more =
          source.location().startsWith("classpath:")
              ? "; for more, install the Debian package dataset-fashion-mnist or put the full"
                  + " files under a configured data directory"
              : "";
      throw new DatasetException(
          "asked for "
              + asked
              + " "
              + (split == Split.TRAIN ? "training" : "test")
              + " examples of "
              + source.name()
              + " but "
              + source.location()
              + " has only "
              + available
              + more);
    }
  }

  private DatasetIdentity identity(DatasetRequest r, DataSource source) {
    return new DatasetIdentity(
        source.name(),
        source.format(),
        source.checksums(checksums),
        r.train(),
        r.test(),
        r.subset().id(),
        r.preprocessing().id(),
        r.targets().id());
  }

  /**
   * The source behind {@code name}, or a {@link DatasetException} saying where it was looked for.
   */
  DataSource resolve(String name) {
    Optional<Synthetic> synthetic = Synthetic.parse(name);
    if (synthetic.isPresent()) {
      return new DataSources.Generated(synthetic.get());
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.contains("/") || n.contains("\\") || n.startsWith(".")) {
      throw new IllegalArgumentException("data set name '" + name + "' must be a plain name");
    }
    List<String> candidates = ALIASES.getOrDefault(n, List.of(n));
    List<Path> looked = new ArrayList<>();
    for (Path dir : directories) {
      for (String c : candidates) {
        Path sub = dir.resolve(c);
        looked.add(sub);
        if (Files.isDirectory(sub)) {
          Optional<DataSource> s = DataSources.detect(n, sub, KNOWN_CLASSES.getOrDefault(n, -1));
          if (s.isPresent()) {
            return s.get();
          }
          throw new DatasetException(
              sub
                  + " holds no data set files; expected the four IDX files ("
                  + String.join(", ", IdxSource.FILES)
                  + "), CIFAR binaries (data_batch_*.bin and test_batch.bin, or train.bin and"
                  + " test.bin), an .npz or .npy files with x_train, y_train, x_test, y_test, or"
                  + " train.arrow and test.arrow");
        }
      }
    }
    if (bundled && n.equals(FashionMnist.NAME)) {
      return bundledFashionMnist();
    }
    throw new DatasetException(
        "no data set '"
            + name
            + "': looked for "
            + looked.stream().map(Path::toString).collect(Collectors.joining(", "))
            + (looked.isEmpty() ? "nothing (no data directories configured)" : "")
            + "; set "
            + PATH_ENV
            + " to the directories holding it");
  }

  private static DataSource bundledFashionMnist() {
    return new DataSources.Idx(
        FashionMnist.NAME, IdxSource.classpath(FashionMnist.BUNDLED_PREFIX), FashionMnist.CLASSES);
  }

  private static String canonicalDirName(String dir) {
    String d = dir.toLowerCase(Locale.ROOT);
    switch (d) {
      case "cifar-10-batches-bin":
        return "cifar-10";
      case "cifar-100-binary":
        return "cifar-100";
      default:
        return d;
    }
  }
}
