package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the binary version of CIFAR-10 and CIFAR-100 (Krizhevsky 2009,
 * https://www.cs.toronto.edu/~kriz/cifar.html): fixed-size records with no header, each one label
 * byte (CIFAR-10) or a coarse and a fine label byte (CIFAR-100) followed by 3072 pixel bytes, the
 * 1024 red, then green, then blue values of a 32×32 image, rows first. Inputs keep that order
 * (channel, row, column).
 *
 * <p>With no header, a file is checked by its size, which must be a whole number of records.
 */
public final class CifarReader {
  /** Pixels per image: 3 channels × 32 × 32. */
  public static final int PIXELS = 3 * 32 * 32;

  /** Which label of a record is read. */
  public enum Layout {
    /** CIFAR-10: one label byte, 10 classes. */
    CIFAR10(1, 0, 10),
    /** CIFAR-100, fine label (second byte), 100 classes. */
    CIFAR100_FINE(2, 1, 100),
    /** CIFAR-100, coarse label (first byte), 20 super-classes. */
    CIFAR100_COARSE(2, 0, 20);

    final int labelBytes;
    final int labelOffset;
    final int classes;

    Layout(int labelBytes, int labelOffset, int classes) {
      this.labelBytes = labelBytes;
      this.labelOffset = labelOffset;
      this.classes = classes;
    }

    /** Bytes per record: labels and pixels. */
    public int recordBytes() {
      return labelBytes + PIXELS;
    }

    public int classes() {
      return classes;
    }
  }

  private CifarReader() {}

  /**
   * The number of records in {@code file}, from its size.
   *
   * @throws DatasetException if the file is missing or its size is not a multiple of the record
   */
  public static int count(Path file, Layout layout) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(
          file + " not found; expected a " + describe(layout) + " binary file there", e);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
    int rec = layout.recordBytes();
    if (size % rec != 0) {
      throw new DatasetException(
          String.format(
              "%s is truncated or not a %s file: %d bytes is not a whole number of %d-byte"
                  + " records (%d records and %d bytes over)",
              file, describe(layout), size, rec, size / rec, size % rec));
    }
    return (int) (size / rec);
  }

  /**
   * Reads the first {@code limit} records of {@code file}: inputs (raw 0..255) and labels.
   *
   * @throws DatasetException if the file is missing, malformed or too short, or a label is out of
   *     range
   */
  public static Examples read(Path file, Layout layout, int limit) {
    int n = count(file, layout);
    if (limit > n) {
      throw new DatasetException(file + " holds " + n + " records, asked for the first " + limit);
    }
    int rec = layout.recordBytes();
    double[] x = new double[Math.multiplyExact(limit, PIXELS)];
    int[] y = new int[limit];
    byte[] buf = new byte[rec];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int i = 0; i < limit; i++) {
        if (in.readNBytes(buf, 0, rec) < rec) {
          throw new DatasetException(file + " ended early, in record " + i);
        }
        y[i] = label(file, layout, buf, i);
        int off = i * PIXELS;
        for (int j = 0; j < PIXELS; j++) {
          x[off + j] = buf[layout.labelBytes + j] & 0xFF;
        }
      }
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
    return new Examples(new Matrix(limit, PIXELS, x), y);
  }

  /** All labels of {@code file}, skipping the pixels. */
  public static int[] labels(Path file, Layout layout) {
    int n = count(file, layout);
    int rec = layout.recordBytes();
    int[] y = new int[n];
    byte[] buf = new byte[rec];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int i = 0; i < n; i++) {
        if (in.readNBytes(buf, 0, rec) < rec) {
          throw new DatasetException(file + " ended early, in record " + i);
        }
        y[i] = label(file, layout, buf, i);
      }
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
    return y;
  }

  private static int label(Path file, Layout layout, byte[] record, int i) {
    int label = record[layout.labelOffset] & 0xFF;
    if (label >= layout.classes) {
      throw new DatasetException(
          file
              + ": label of record "
              + i
              + " is "
              + label
              + ", expected 0.."
              + (layout.classes - 1)
              + " for "
              + describe(layout));
    }
    return label;
  }

  static String describe(Layout layout) {
    return layout == Layout.CIFAR10 ? "CIFAR-10" : "CIFAR-100";
  }
}
