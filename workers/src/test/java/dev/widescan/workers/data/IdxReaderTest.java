package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Matrix;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private static final int[] DIMS = {3, 2, 4};
  private static final byte[] PIXELS = IdxFiles.ramp(3 * 2 * 4, 100);

  @Test
  void parsesHeaderAndUnsignedPixels() throws IOException {
    Path file =
        IdxFiles.write(dir, "images.idx", IdxFiles.idx(IdxReader.IMAGES_MAGIC, DIMS, PIXELS));

    IdxHeader header = IdxReader.readHeader(file, IdxReader.IMAGES_MAGIC);
    assertEquals(new IdxHeader(0x803, new int[] {3, 2, 4}), header);
    assertEquals(3, header.items());
    assertEquals(8, header.itemSize());

    Matrix m = IdxReader.readImages(file, 3);
    assertEquals(3, m.rows());
    assertEquals(8, m.cols());
    for (int i = 0; i < PIXELS.length; i++) {
      assertEquals(PIXELS[i] & 0xFF, m.data()[i]);
    }
    assertEquals(100.0, m.get(0, 0));
    assertEquals((7 * 37 + 100) % 256, m.get(0, 7));
    assertTrue(Arrays.stream(m.data()).anyMatch(v -> v > 127), "values above 127 stay positive");
  }

  @Test
  void gzipAndRawGiveTheSameDataWhateverTheFileName() throws IOException {
    byte[] raw = IdxFiles.idx(IdxReader.IMAGES_MAGIC, DIMS, PIXELS);
    // names contradict contents: detection goes by the gzip magic bytes only
    Path rawFile = IdxFiles.write(dir, "raw.gz", raw);
    Path gzFile = IdxFiles.write(dir, "packed.idx", IdxFiles.gzip(raw));

    assertArrayEquals(
        IdxReader.readImages(rawFile, 3).data(), IdxReader.readImages(gzFile, 3).data());
    assertArrayEquals(
        IdxReader.read(rawFile, IdxReader.IMAGES_MAGIC, 2).values(),
        IdxReader.read(gzFile, IdxReader.IMAGES_MAGIC, 2).values());
  }

  @Test
  void readsOnlyTheFirstItems() throws IOException {
    Path file =
        IdxFiles.write(
            dir,
            "l.gz",
            IdxFiles.gzip(
                IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {5}, new byte[] {9, 8, 7, 6, 5})));
    assertArrayEquals(new int[] {9, 8}, IdxReader.readLabels(file, 2));
    assertArrayEquals(new int[] {}, IdxReader.readLabels(file, 0));
    IdxData data = IdxReader.read(file, IdxReader.LABELS_MAGIC, 3);
    assertEquals(5, data.header().items());
    assertEquals(3, data.count());
  }

  @Test
  void readsFromAStreamAndLeavesItOpen() {
    byte[] raw = IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {(byte) 200, 3});
    ByteArrayInputStream in = new ByteArrayInputStream(IdxFiles.gzip(raw));
    assertArrayEquals(
        new int[] {200, 3}, IdxReader.read(in, "memory", IdxReader.LABELS_MAGIC, 2).toLabels());
  }

  @Test
  void askingForMoreItemsThanTheFileHoldsSaysBothCounts() throws IOException {
    Path file = IdxFiles.write(dir, "i.idx", IdxFiles.idx(IdxReader.IMAGES_MAGIC, DIMS, PIXELS));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(file, 4));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("holds 3 items, asked for the first 4"), e.getMessage());
  }

  @Test
  void truncatedRawFileNamesFileAndExpectedBytes() throws IOException {
    byte[] raw = IdxFiles.idx(IdxReader.IMAGES_MAGIC, DIMS, PIXELS);
    Path file = IdxFiles.write(dir, "cut.idx", Arrays.copyOf(raw, raw.length - 5));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(file, 3));
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()) && m.contains("truncated"), m);
    assertTrue(m.contains("need 24 bytes of data") && m.contains("ends after 19 bytes"), m);
    // the items before the cut are still readable
    assertEquals(16, IdxReader.read(file, IdxReader.IMAGES_MAGIC, 2).values().length);
  }

  @Test
  void truncatedGzipFileNamesFile() throws IOException {
    byte[] big = IdxFiles.ramp(2000 * 28 * 28, 7);
    byte[] gz = IdxFiles.gzip(IdxFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {2000, 28, 28}, big));
    Path file = IdxFiles.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
    DatasetException e =
        assertThrows(DatasetException.class, () -> IdxReader.readImages(file, 2000));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    Path file = IdxFiles.write(dir, "tiny", new byte[] {0, 0, 8});
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> IdxReader.readHeader(file, IdxReader.LABELS_MAGIC));
    assertTrue(e.getMessage().contains(file + " is truncated: it has 3 bytes"), e.getMessage());
  }

  @Test
  void wrongMagicSaysWhatWasFoundAndExpected() throws IOException {
    Path labels =
        IdxFiles.write(
            dir, "labels", IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[] {1}));
    DatasetException e =
        assertThrows(DatasetException.class, () -> IdxReader.readImages(labels, 1));
    String m = e.getMessage();
    assertTrue(m.contains(labels.toString()), m);
    assertTrue(m.contains("magic number 0x00000801 (an IDX labels file"), m);
    assertTrue(m.contains("expected 0x00000803 (an IDX images file"), m);

    Path text =
        IdxFiles.write(
            dir, "text", "hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    e = assertThrows(DatasetException.class, () -> IdxReader.readLabels(text, 1));
    assertTrue(e.getMessage().contains("(not an IDX file), expected 0x00000801"), e.getMessage());
  }

  @Test
  void brokenGzipIsReportedAsSuch() throws IOException {
    Path file =
        IdxFiles.write(
            dir, "bad.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readLabels(file, 1));
    assertTrue(e.getMessage().contains(file + " starts like gzip"), e.getMessage());
  }

  @Test
  void missingFileSaysWhatWasExpectedWhere() {
    Path file = dir.resolve("nope-images.gz");
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(file, 1));
    assertEquals(
        file
            + " not found; expected an IDX images file, unsigned bytes, 3 dimensions there (gzip or"
            + " raw)",
        e.getMessage());
  }
}
