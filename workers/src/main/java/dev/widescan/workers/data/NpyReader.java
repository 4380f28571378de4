package dev.widescan.workers.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy arrays: {@code .npy} files of format version 1.0, 2.0 or 3.0 and {@code .npz}
 * archives (a zip of {@code .npy} members, stored or deflated), as specified in NumPy's {@code
 * numpy.lib.format} (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * <p>A file starts with the magic {@code \x93NUMPY}, a major and a minor version byte, the header
 * length (little-endian {@code uint16} in 1.0, {@code uint32} in 2.0 and 3.0), then a Python dict
 * literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (60000, 784), }} (ASCII; UTF-8
 * in 3.0), then the raw data. Supported element types: {@code b1}, {@code i1}, {@code u1}, {@code
 * i2}, {@code u2}, {@code i4}, {@code u4}, {@code i8}, {@code u8}, {@code f4}, {@code f8}, little
 * ({@code <}), big ({@code >}) or no ({@code |}) byte order; {@code =} (native) is read as
 * little-endian. Fortran-order arrays are transposed to C order. Structured and object dtypes are
 * rejected.
 *
 * <p>Every failure is a {@link DatasetException} naming the file (and member), what was found and
 * what was expected.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern TYPE = Pattern.compile("[<>|=](b1|[iu][1248]|f[48])");
  private static final int CHUNK = 1 << 16;

  private NpyReader() {}

  /** Reads the whole array in {@code file}. */
  public static NpyArray read(Path file) {
    return read(file, -1);
  }

  /**
   * Reads the first {@code limit} items (along the first axis) of {@code file}; {@code -1} for all.
   */
  public static NpyArray read(Path file, int limit) {
    try (InputStream in = open(file)) {
      return read(in, file.toString(), limit);
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
  }

  /**
   * Reads only the header of {@code file} and checks that the file is long enough for the data it
   * promises.
   */
  public static NpyHeader readHeader(Path file) {
    try (InputStream in = open(file)) {
      NpyHeader h = readHeader(new BufferedInputStream(in), file.toString());
      long size = Files.size(file);
      if (size < h.dataOffset() + h.dataBytes()) {
        throw new DatasetException(
            String.format(
                "%s is truncated: its header promises shape %s of %s, %d bytes of data, but the"
                    + " file holds only %d",
                file, h.shapeText(), h.descr(), h.dataBytes(), size - h.dataOffset()));
      }
      return h;
    } catch (IOException e) {
      throw new DatasetException("can't read " + file + ": " + e, e);
    }
  }

  /** The member names of an {@code .npz} archive without their {@code .npy} suffix, in order. */
  public static List<String> npzKeys(Path npz) {
    try (ZipFile zip = openZip(npz)) {
      List<String> keys = new ArrayList<>();
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String n = e.nextElement().getName();
        keys.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
      }
      return keys;
    } catch (IOException e) {
      throw new DatasetException("can't read " + npz + ": " + e, e);
    }
  }

  /** Reads the header of member {@code key} of {@code npz}, inflating only its first bytes. */
  public static NpyHeader readNpzHeader(Path npz, String key) {
    try (ZipFile zip = openZip(npz)) {
      ZipEntry entry = entry(zip, npz, key);
      String source = npz + "[" + key + "]";
      try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
        NpyHeader h = readHeader(in, source);
        if (entry.getSize() >= 0 && entry.getSize() < h.dataOffset() + h.dataBytes()) {
          throw new DatasetException(
              String.format(
                  "%s is truncated: its header promises shape %s of %s, %d bytes of data, but"
                      + " the member holds only %d",
                  source,
                  h.shapeText(),
                  h.descr(),
                  h.dataBytes(),
                  entry.getSize() - h.dataOffset()));
        }
        return h;
      }
    } catch (ZipException e) {
      throw new DatasetException(npz + " is not a valid zip (.npz) archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DatasetException("can't read " + npz + ": " + e, e);
    }
  }

  /** Reads the first {@code limit} items ({@code -1}: all) of member {@code key} of {@code npz}. */
  public static NpyArray readNpz(Path npz, String key, int limit) {
    try (ZipFile zip = openZip(npz)) {
      ZipEntry entry = entry(zip, npz, key);
      try (InputStream in = zip.getInputStream(entry)) {
        return read(in, npz + "[" + key + "]", limit);
      }
    } catch (ZipException e) {
      throw new DatasetException(npz + " is not a valid zip (.npz) archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DatasetException("can't read " + npz + ": " + e, e);
    }
  }

  /** Reads every member of {@code npz}, keyed by name without {@code .npy}, in archive order. */
  public static Map<String, NpyArray> readNpz(Path npz) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    for (String key : npzKeys(npz)) {
      out.put(key, readNpz(npz, key, -1));
    }
    return out;
  }

  /**
   * Reads an array from {@code in}, which is left open.
   *
   * @param source what {@code in} is, for error messages
   * @param limit items to read along the first axis, {@code -1} for all
   */
  public static NpyArray read(InputStream in, String source, int limit) {
    try {
      BufferedInputStream buffered = new BufferedInputStream(nonClosing(in), CHUNK);
      NpyHeader h = readHeader(buffered, source);
      long items = h.items();
      if (limit > items) {
        throw new DatasetException(
            source
                + " holds "
                + items
                + " items (shape "
                + h.shapeText()
                + "), asked for "
                + limit);
      }
      int rows = limit < 0 ? (int) Math.min(items, Integer.MAX_VALUE) : limit;
      if (h.shape().length == 0) {
        rows = 1;
      }
      int itemSize = h.itemSize();
      // Fortran order interleaves items, so the whole array is read and transposed.
      long toRead = h.fortranOrder() ? h.elements() : (long) rows * itemSize;
      if (toRead > Integer.MAX_VALUE - 8) {
        throw new DatasetException(source + ": " + toRead + " elements don't fit in one array");
      }
      double[] data = readValues(buffered, h, (int) toRead, source);
      if (h.fortranOrder() && h.shape().length > 1) {
        data = fortranToC(data, h.shape(), rows);
      }
      return new NpyArray(h, rows, data);
    } catch (IOException e) {
      throw new DatasetException("can't read " + source + ": " + e, e);
    }
  }

  /** Reads and checks the magic, version and header dict from {@code in}. */
  public static NpyHeader readHeader(InputStream in, String source) {
    try {
      byte[] start = in.readNBytes(8);
      for (int i = 0; i < MAGIC.length; i++) {
        if (i >= start.length || start[i] != MAGIC[i]) {
          throw new DatasetException(
              source
                  + " is not a NumPy .npy file: it starts with "
                  + hex(start)
                  + ", expected the magic 93 4e 55 4d 50 59 (\\x93NUMPY)");
        }
      }
      if (start.length < 8) {
        throw new DatasetException(source + " is truncated in its .npy preamble");
      }
      int major = start[6] & 0xFF;
      int lenBytes;
      if (major == 1) {
        lenBytes = 2;
      } else if (major == 2 || major == 3) {
        lenBytes = 4;
      } else {
        throw new DatasetException(
            source
                + " has .npy format version "
                + major
                + "."
                + (start[7] & 0xFF)
                + ", expected"
                + " 1.0, 2.0 or 3.0");
      }
      byte[] len = in.readNBytes(lenBytes);
      if (len.length < lenBytes) {
        throw new DatasetException(source + " is truncated in its .npy preamble");
      }
      long headerLen =
          lenBytes == 2
              ? ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF
              : ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
      if (headerLen > 1 << 20) {
        throw new DatasetException(source + " claims a header of " + headerLen + " bytes");
      }
      byte[] dict = in.readNBytes((int) headerLen);
      if (dict.length < headerLen) {
        throw new DatasetException(
            source + " is truncated in its header: expected " + headerLen + " bytes");
      }
      String text =
          new String(dict, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      return parseDict(text, source, 8 + lenBytes + (int) headerLen);
    } catch (IOException e) {
      throw new DatasetException("can't read " + source + ": " + e, e);
    }
  }

  private static NpyHeader parseDict(String text, String source, int offset) {
    Matcher descr = DESCR.matcher(text);
    if (!descr.find()) {
      throw new DatasetException(
          source
              + " has an unsupported dtype (structured or missing) in header "
              + text.trim()
              + "; expected a plain numeric dtype like '<f8'");
    }
    String d = descr.group(1);
    if (!TYPE.matcher(d).matches()) {
      throw new DatasetException(
          source
              + " has dtype '"
              + d
              + "', expected one of b1, i1, u1, i2, u2, i4, u4, i8, u8, f4, f8 with byte order"
              + " <, > or |");
    }
    Matcher fortran = FORTRAN.matcher(text);
    Matcher shape = SHAPE.matcher(text);
    if (!fortran.find() || !shape.find()) {
      throw new DatasetException(
          source + " has a header without 'fortran_order' or 'shape': " + text.trim());
    }
    List<Long> dims = new ArrayList<>();
    for (String part : shape.group(1).split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
        if (v < 0) {
          throw new NumberFormatException();
        }
        dims.add(v);
      } catch (NumberFormatException e) {
        throw new DatasetException(source + " has an invalid shape (" + shape.group(1) + ")");
      }
    }
    long[] s = dims.stream().mapToLong(Long::longValue).toArray();
    long itemSize = 1;
    for (int i = 1; i < s.length; i++) {
      itemSize *= s[i];
    }
    if (itemSize > Integer.MAX_VALUE) {
      throw new DatasetException(source + " has items of " + itemSize + " elements, too large");
    }
    return new NpyHeader(d, fortran.group(1).equals("True"), s, offset);
  }

  private static double[] readValues(InputStream in, NpyHeader h, int count, String source)
      throws IOException {
    int width = h.elementBytes();
    char kind = h.kind();
    double[] out = new double[count];
    ByteBuffer buf = ByteBuffer.allocate(CHUNK * width).order(h.order());
    int done = 0;
    while (done < count) {
      int n = Math.min(CHUNK, count - done);
      buf.clear();
      int got = in.readNBytes(buf.array(), 0, n * width);
      if (got < n * width) {
        throw new DatasetException(
            String.format(
                "%s is truncated: its header promises shape %s of %s (%d bytes of data), but the"
                    + " data ends after %d bytes",
                source, h.shapeText(), h.descr(), h.dataBytes(), (long) done * width + got));
      }
      buf.limit(n * width);
      for (int i = 0; i < n; i++) {
        out[done + i] = element(buf, kind, width);
      }
      done += n;
    }
    return out;
  }

  private static double element(ByteBuffer b, char kind, int width) {
    switch (kind) {
      case 'f':
        return width == 4 ? b.getFloat() : b.getDouble();
      case 'b':
        return b.get() != 0 ? 1 : 0;
      case 'u':
        switch (width) {
          case 1:
            return b.get() & 0xFF;
          case 2:
            return b.getShort() & 0xFFFF;
          case 4:
            return b.getInt() & 0xFFFFFFFFL;
          default:
            long v = b.getLong();
            return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
        }
      default:
        switch (width) {
          case 1:
            return b.get();
          case 2:
            return b.getShort();
          case 4:
            return b.getInt();
          default:
            return b.getLong();
        }
    }
  }

  /** The first {@code rows} items of a column-major array, in row-major order. */
  private static double[] fortranToC(double[] f, long[] shape, int rows) {
    int nd = shape.length;
    int[] dims = new int[nd];
    for (int i = 0; i < nd; i++) {
      dims[i] = (int) shape[i];
    }
    // Fortran strides: axis 0 varies fastest.
    long[] stride = new long[nd];
    stride[0] = 1;
    for (int i = 1; i < nd; i++) {
      stride[i] = stride[i - 1] * dims[i - 1];
    }
    int itemSize = 1;
    for (int i = 1; i < nd; i++) {
      itemSize *= dims[i];
    }
    double[] c = new double[rows * itemSize];
    int[] idx = new int[nd];
    for (int out = 0; out < c.length; out++) {
      long src = 0;
      for (int i = 0; i < nd; i++) {
        src += idx[i] * stride[i];
      }
      c[out] = f[(int) src];
      for (int i = nd - 1; i >= 0; i--) {
        if (++idx[i] < dims[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return c;
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + " not found; expected a NumPy .npy file there", e);
    } catch (IOException e) {
      throw new DatasetException("can't open " + file + ": " + e, e);
    }
  }

  private static ZipFile openZip(Path npz) throws IOException {
    if (!Files.isRegularFile(npz)) {
      throw new DatasetException(npz + " not found; expected a NumPy .npz archive there");
    }
    try {
      return new ZipFile(npz.toFile());
    } catch (ZipException e) {
      throw new DatasetException(
          npz + " is not a valid zip (.npz) archive (truncated or corrupt): " + e.getMessage(), e);
    }
  }

  private static ZipEntry entry(ZipFile zip, Path npz, String key) {
    ZipEntry e = zip.getEntry(key + ".npy");
    if (e == null) {
      e = zip.getEntry(key);
    }
    if (e == null) {
      List<String> keys = new ArrayList<>();
      zip.stream().forEach(z -> keys.add(z.getName().replaceFirst("\\.npy$", "")));
      throw new DatasetException(
          npz + " has no array '" + key + "'; it holds " + String.join(", ", keys));
    }
    return e;
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {
        // the caller owns in
      }
    };
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 6); i++) {
      s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
    }
    return s.length() == 0 ? "nothing (empty)" : s.toString();
  }
}
