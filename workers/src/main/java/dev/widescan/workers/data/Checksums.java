package dev.widescan.workers.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of data files, cached by absolute path, size, modification time (to the nanosecond where
 * the file system keeps it) and file key (inode), so that the identity of a data set costs a few
 * {@code stat} calls once its files were hashed, and a rewritten file is hashed again.
 *
 * <p>The cache lives in memory and, optionally, in a tab-separated file ({@code sha256 size
 * mtime-ns file-key path} per line, appended to) shared by every process that names it.
 */
public final class Checksums {
  private static final Checksums SHARED = new Checksums(Optional.empty());
  private static final ConcurrentHashMap<String, String> RESOURCES = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();
  private final Optional<Path> store;
  private final AtomicLong computed = new AtomicLong();

  /**
   * @param store a file to keep checksums across processes in; created when first written
   */
  public Checksums(Optional<Path> store) {
    this.store = store;
    store.ifPresent(this::loadStore);
  }

  /** An in-memory cache shared by this JVM. */
  public static Checksums shared() {
    return SHARED;
  }

  /** SHA-256 of {@code file}, in lowercase hex. */
  public String sha256(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String key;
    try {
      key = key(abs, Files.readAttributes(abs, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + " not found", e);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
    String cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    String sum;
    try (InputStream in = Files.newInputStream(abs)) {
      sum = digest(in);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
    computed.incrementAndGet();
    cache.put(key, sum);
    store.ifPresent(s -> append(s, sum + "\t" + key));
    return sum;
  }

  /** SHA-256 of a class-path resource (bundled data; constant for a given jar). */
  static String sha256Resource(String resource) {
    return RESOURCES.computeIfAbsent(
        resource,
        r -> {
          try (InputStream in = Checksums.class.getClassLoader().getResourceAsStream(r)) {
            if (in == null) {
              throw new DatasetException("classpath:" + r + " not found");
            }
            return digest(in);
          } catch (IOException e) {
            throw new DatasetException("can't read classpath:" + r + ": " + e, e);
          }
        });
  }

  /** How many files this cache has actually read and hashed. */
  public long computed() {
    return computed.get();
  }

  private static String key(Path abs, BasicFileAttributes a) {
    return a.size()
        + "\t"
        + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)
        + "\t"
        + a.fileKey()
        + "\t"
        + abs;
  }

  private void loadStore(Path s) {
    if (!Files.isRegularFile(s)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(s, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab == 64) {
          cache.put(line.substring(tab + 1), line.substring(0, tab));
        }
      }
    } catch (IOException e) {
      // an unreadable cache only costs rehashing
    }
  }

  private static synchronized void append(Path s, String line) {
    try {
      if (s.getParent() != null) {
        Files.createDirectories(s.getParent());
      }
      Files.writeString(
          s,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // an unwritable cache only costs rehashing
    }
  }

  private static String digest(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
    }
    return hex(sha.digest());
  }

  static String hex(byte[] d) {
    StringBuilder s = new StringBuilder(d.length * 2);
    for (byte b : d) {
      s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return s.toString();
  }
}
