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

  /** A readable account of the source, e.g. "directory /usr/share/datasets/fashion-mnist". */
  abstract String description();

  /** A readable name of one file of this source, for error messages. */
  abstract String locate(String file);

  /** Opens {@code file}, or returns null if this source doesn't have it. */
  abstract InputStream open(String file) throws IOException;

  /** Whether all four files are present. */
  boolean complete() {
    for (String f : FILES) {
      if (!has(f)) {
        return false;
      }
    }
    return true;
  }

  abstract boolean has(String file);

  static IdxSource directory(Path dir) {
    return new IdxSource() {
      @Override
      String description() {
        return "directory " + dir;
      }

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
    };
  }

  /** Resources under {@code prefix} (e.g. {@code datasets/fashion-mnist/}) of this jar's loader. */
  static IdxSource classpath(String prefix) {
    ClassLoader loader = IdxSource.class.getClassLoader();
    return new IdxSource() {
      @Override
      String description() {
        return "bundled subset (classpath " + prefix + ")";
      }

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
