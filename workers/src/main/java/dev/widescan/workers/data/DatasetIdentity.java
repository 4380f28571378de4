package dev.widescan.workers.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a loaded data set is, independent of where it lies: two loads with equal identities give
 * bit-identical inputs and targets, and a changed file changes the identity. Its {@link #hash()}
 * belongs in every work unit's content hash.
 *
 * <p>Not part of it: the directory the files came from (the same bytes anywhere are the same data).
 *
 * @param name canonical name ({@code fashion-mnist}, {@code teacher:classes=10,d=32,...})
 * @param format reader: {@code idx}, {@code cifar}, {@code npy}, {@code npz}, {@code arrow}, {@code
 *     synthetic}
 * @param files SHA-256 (hex) of every file read, by its name relative to the data set's directory
 *     (sorted; empty for synthetic data)
 * @param train training examples
 * @param test test examples
 * @param subset {@link Subset#id()}
 * @param preprocessing {@link Preprocessing#id()}
 * @param targets {@link Targets#id()}
 */
public record DatasetIdentity(
    String name,
    String format,
    Map<String, String> files,
    int train,
    int test,
    String subset,
    String preprocessing,
    String targets) {
  /** Bumped when a reader or a preprocessing changes what it produces from the same request. */
  public static final int VERSION = 1;

  public DatasetIdentity {
    files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
  }

  /**
   * One line per field, files sorted by name: {@code version=1}, {@code name=…}, {@code format=…},
   * {@code file <name> sha256=<hex>}, {@code train=…}, {@code test=…}, {@code subset=…}, {@code
   * preprocessing=…}, {@code targets=…}.
   */
  public String canonical() {
    StringBuilder s = new StringBuilder();
    s.append("version=").append(VERSION).append('\n');
    s.append("name=").append(name).append('\n');
    s.append("format=").append(format).append('\n');
    for (Map.Entry<String, String> f : files.entrySet()) {
      s.append("file ").append(f.getKey()).append(" sha256=").append(f.getValue()).append('\n');
    }
    s.append("train=").append(train).append('\n');
    s.append("test=").append(test).append('\n');
    s.append("subset=").append(subset).append('\n');
    s.append("preprocessing=").append(preprocessing).append('\n');
    s.append("targets=").append(targets).append('\n');
    return s.toString();
  }

  /** SHA-256 (hex) of {@link #canonical()}. */
  public String hash() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
      return Checksums.hex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
