package dev.widescan.workers.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the four IDX files of an MNIST-style data set are read from: a directory or the classpath.
 */
abstract class IdxSource {
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
  static final String[] FILES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

  /** A readable name of one file of this source, for error messages. */
  abstract String locate(String file);

  /** Opens {@code file}, or returns null if this source doesn't have it. */
  abstract InputStream open(String file) throws IOException;

  abstract boolean has(String file);

  /** The file on disk, or empty for a class-path source. */
  abstract java.util.Optional<Path> path(String file);

  /** SHA-256 (hex) of {@code file}'s bytes as stored (compressed or not). */
  String sha256(String file, Checksums checksums) {
    return path(file)
        .map(checksums::sha256)
        .orElseGet(() -> Checksums.sha256Resource(prefix() + file));
  }

  /** Bytes of {@code file} as stored, or -1 if unknown. */
  long size(String file) {
    try {
      java.util.Optional<Path> p = path(file);
      if (p.isPresent()) {
        return Files.size(p.get());
      }
      java.net.URL url = IdxSource.class.getClassLoader().getResource(prefix() + file);
      return url == null ? -1 : url.openConnection().getContentLengthLong();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The class-path prefix, or "" for a directory. */
  String prefix() {
    return "";
  }

  /**
   * For a gzip file on disk: checks that the gzip trailer's uncompressed size (ISIZE, mod 2³²)
   * equals what the IDX header promises, which finds a cut-off download without inflating it.
   */
  void checkComplete(String file, IdxHeader header) {
    java.util.Optional<Path> p = path(file);
    if (p.isEmpty()) {
      return;
    }
    try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(p.get())) {
      long size = ch.size();
      java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(2);
      ch.read(head);
      long expected = 4L + 4L * header.dims().length + (long) header.items() * header.itemSize();
      if (size < 18 || (head.get(0) & 0xFF) != 0x1f || (head.get(1) & 0xFF) != 0x8b) {
        if (size < expected && (head.get(0) & 0xFF) != 0x1f) {
          throw new DatasetException(
              String.format(
                  "%s is truncated: its header promises %d items of %d bytes (%d bytes in all),"
                      + " but the file has %d",
                  p.get(), header.items(), header.itemSize(), expected, size));
        }
        return;
      }
      java.nio.ByteBuffer trailer =
          java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.position(size - 4);
      ch.read(trailer);
      long isize = trailer.getInt(0) & 0xFFFFFFFFL;
      if (isize != (expected & 0xFFFFFFFFL)) {
        throw new DatasetException(
            String.format(
                "%s is truncated or corrupt: its IDX header promises %d items of %d bytes (%d"
                    + " bytes uncompressed), but the gzip trailer records %d bytes",
                p.get(), header.items(), header.itemSize(), expected, isize));
      }
    } catch (IOException e) {
      throw new DatasetException("can't read " + p.get() + ": " + e, e);
    }
  }

  static IdxSource directory(Path dir) {
    return new IdxSource() {
      @Override
      String locate(String file) {
        return dir.resolve(file).toString();
      }

      @Override
      InputStream open(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.isRegularFile(p) ? Files.newInputStream(p) : null;
      }

      @Override
      boolean has(String file) {
        return Files.isRegularFile(dir.resolve(file));
      }

      @Override
      java.util.Optional<Path> path(String file) {
        return java.util.Optional.of(dir.resolve(file));
      }
    };
  }

  /** Resources under {@code prefix} (e.g. {@code datasets/fashion-mnist/}) of this jar's loader. */
  static IdxSource classpath(String prefix) {
    ClassLoader loader = IdxSource.class.getClassLoader();
    return new IdxSource() {
      @Override
      String locate(String file) {
        return "classpath:" + prefix + file;
      }

      @Override
      InputStream open(String file) {
        return loader.getResourceAsStream(prefix + file);
      }

      @Override
      boolean has(String file) {
        return loader.getResource(prefix + file) != null;
      }

      @Override
      java.util.Optional<Path> path(String file) {
        return java.util.Optional.empty();
      }

      @Override
      String prefix() {
        return prefix;
      }
    };
  }

  IdxHeader header(String file, int magic) {
    try (InputStream in = require(file, magic)) {
      return IdxReader.readHeader(in, locate(file), magic);
    } catch (IOException e) {
      throw new DatasetException("can't read " + locate(file) + ": " + e, e);
    }
  }

  IdxData read(String file, int magic, int limit) {
    try (InputStream in = require(file, magic)) {
      return IdxReader.read(in, locate(file), magic, limit);
    } catch (IOException e) {
      throw new DatasetException("can't read " + locate(file) + ": " + e, e);
    }
  }

  private InputStream require(String file, int magic) throws IOException {
    InputStream in = open(file);
    if (in == null) {
      throw new DatasetException(
          locate(file)
              + " not found; expected "
              + IdxReader.describe(magic)
              + " there (gzip or raw)");
    }
    return in;
  }
}
