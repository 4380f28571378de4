package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.,
 * http://yann.lecun.com/exdb/mnist/): a big-endian magic number {@code 0x0000TTNN} (TT = 0x08 for
 * unsigned bytes, NN = number of dimensions), NN big-endian 32-bit dimensions, then the elements. A
 * gzip stream is recognised by its magic bytes {@code 1f 8b}, not by the file name; anything else
 * is read as a raw IDX file. Only the bytes of the items asked for are read (and inflated).
 *
 * <p>Every failure is a {@link DatasetException} naming the file, what was found and what was
 * expected.
 */
public final class IdxReader {
  /** Unsigned-byte images: {@code count × rows × cols}. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Unsigned-byte labels: {@code count}. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int MAX_DIMS = 8;

  private IdxReader() {}

  /**
   * The first {@code limit} images of {@code file} as a {@code limit × (rows·cols)} matrix, 0..255.
   */
  public static Matrix readImages(Path file, int limit) {
    return read(file, IMAGES_MAGIC, limit).toMatrix();
  }

  /** The first {@code limit} labels of {@code file}. */
  public static int[] readLabels(Path file, int limit) {
    return read(file, LABELS_MAGIC, limit).toLabels();
  }

  /** Reads only the header of {@code file} and checks its magic number. */
  public static IdxHeader readHeader(Path file, int expectedMagic) {
    try (InputStream in = open(file, expectedMagic)) {
      return readHeader(in, file.toString(), expectedMagic);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
  }

  /**
   * Reads the first {@code limit} items of {@code file}.
   *
   * @throws DatasetException if the file is missing, not an IDX file with {@code expectedMagic},
   *     holds fewer than {@code limit} items, or ends early
   */
  public static IdxData read(Path file, int expectedMagic, int limit) {
    try (InputStream in = open(file, expectedMagic)) {
      return read(in, file.toString(), expectedMagic, limit);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
  }

  /**
   * Reads the header from {@code in}, which is left open (and positioned somewhere after the
   * header).
   *
   * @param source what {@code in} is, for error messages
   */
  public static IdxHeader readHeader(InputStream in, String source, int expectedMagic) {
    try (InputStream body = decompressed(in, source)) {
      return header(body, source, expectedMagic);
    } catch (IOException e) {
      throw failure(source, e);
    }
  }

  /**
   * Reads the first {@code limit} items from {@code in}, which is left open.
   *
   * @param source what {@code in} is, for error messages
   */
  public static IdxData read(InputStream in, String source, int expectedMagic, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be non-negative, got " + limit);
    }
    try (InputStream body = decompressed(in, source)) {
      IdxHeader header = header(body, source, expectedMagic);
      if (limit > header.items()) {
        throw new DatasetException(
            source + " holds " + header.items() + " items, asked for the first " + limit);
      }
      long bytes = (long) limit * header.itemSize();
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new DatasetException(
            source
                + ": "
                + limit
                + " items of "
                + header.itemSize()
                + " bytes don't fit in one array");
      }
      byte[] values = new byte[(int) bytes];
      int got = readFully(body, values);
      if (got < values.length) {
        throw new DatasetException(
            String.format(
                "%s is truncated: its header promises %d items of %d bytes, so the first %d items"
                    + " need %d bytes of data, but the data ends after %d bytes",
                source, header.items(), header.itemSize(), limit, values.length, got));
      }
      return new IdxData(header, limit, values);
    } catch (IOException e) {
      throw failure(source, e);
    }
  }

  private static InputStream open(Path file, int expectedMagic) {
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(
          file + " not found; expected " + describe(expectedMagic) + " there (gzip or raw)", e);
    } catch (IOException e) {
      throw new DatasetException("can't open " + file + ": " + e, e);
    }
  }

  /** {@code in} itself, or a gzip decoder over it; closing the result never closes {@code in}. */
  private static InputStream decompressed(InputStream in, String source) throws IOException {
    BufferedInputStream buffered =
        new BufferedInputStream(
            new FilterInputStream(in) {
              @Override
              public void close() {
                // the caller owns in
              }
            },
            1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(buffered, 1 << 16);
    }
    return buffered;
  }

  private static IdxHeader header(InputStream in, String source, int expectedMagic)
      throws IOException {
    byte[] word = new byte[4];
    int got = readFully(in, word);
    if (got < 4) {
      throw new DatasetException(
          source + " is truncated: it has " + got + " bytes, expected " + describe(expectedMagic));
    }
    int magic = bigEndian(word);
    if (magic != expectedMagic) {
      throw new DatasetException(
          String.format(
              "%s has magic number 0x%08X (%s), expected 0x%08X (%s)",
              source, magic, describe(magic), expectedMagic, describe(expectedMagic)));
    }
    int[] dims = new int[magic & 0xFF];
    for (int i = 0; i < dims.length; i++) {
      if (readFully(in, word) < 4) {
        throw new DatasetException(
            source
                + " is truncated in its header: expected "
                + dims.length
                + " dimensions, found "
                + i);
      }
      dims[i] = bigEndian(word);
      if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
        throw new DatasetException(
            source + " has an invalid dimension " + i + " of size " + dims[i]);
      }
    }
    IdxHeader header = new IdxHeader(magic, dims);
    long itemSize = 1;
    for (int i = 1; i < dims.length; i++) {
      itemSize *= dims[i];
    }
    if (itemSize > Integer.MAX_VALUE) {
      throw new DatasetException(source + " has items of " + itemSize + " bytes, too large");
    }
    return header;
  }

  /** Reads until {@code buf} is full or the stream ends; returns the number of bytes read. */
  private static int readFully(InputStream in, byte[] buf) throws IOException {
    int off = 0;
    try {
      while (off < buf.length) {
        int n = in.read(buf, off, buf.length - off);
        if (n < 0) {
          break;
        }
        off += n;
      }
    } catch (EOFException e) {
      // GZIPInputStream reports a cut-off gzip stream this way: the data simply ends here.
    }
    return off;
  }

  private static int bigEndian(byte[] w) {
    return (w[0] & 0xFF) << 24 | (w[1] & 0xFF) << 16 | (w[2] & 0xFF) << 8 | (w[3] & 0xFF);
  }

  private static DatasetException failure(String source, IOException e) {
    if (e instanceof ZipException) {
      return new DatasetException(
          source + " starts like gzip (1f 8b) but is not a valid gzip stream: " + e.getMessage(),
          e);
    }
    return new DatasetException("can't read " + source + ": " + e, e);
  }

  /** A readable account of a magic number, e.g. "an IDX unsigned-byte file with 3 dimensions". */
  static String describe(int magic) {
    if (magic == IMAGES_MAGIC) {
      return "an IDX images file, unsigned bytes, 3 dimensions";
    }
    if (magic == LABELS_MAGIC) {
      return "an IDX labels file, unsigned bytes, 1 dimension";
    }
    if ((magic & 0xFFFF0000) == 0 && (magic & 0xFF) <= MAX_DIMS) {
      return String.format(
          "an IDX file of element type 0x%02X with %d dimensions",
          (magic >> 8) & 0xFF, magic & 0xFF);
    }
    return "not an IDX file";
  }
}
