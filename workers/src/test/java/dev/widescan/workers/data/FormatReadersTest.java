package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR binary and Arrow IPC round trips, and the corrupt files each must reject. */
class FormatReadersTest {
  @TempDir Path dir;

  /** n CIFAR records: labels (i·3) mod classes, pixel j of record i = (i + 7j) mod 256. */
  static byte[] cifar(int n, CifarReader.Layout layout) {
    int rec = layout.recordBytes();
    byte[] b = new byte[n * rec];
    for (int i = 0; i < n; i++) {
      if (layout == CifarReader.Layout.CIFAR10) {
        b[i * rec] = (byte) ((i * 3) % 10);
      } else {
        b[i * rec] = (byte) ((i * 3) % 20);
        b[i * rec + 1] = (byte) ((i * 7) % 100);
      }
      int off = i * rec + (rec - CifarReader.PIXELS);
      for (int j = 0; j < CifarReader.PIXELS; j++) {
        b[off + j] = (byte) (i + 7 * j);
      }
    }
    return b;
  }

  @Test
  void cifar10RecordsRoundTrip() throws IOException {
    Path f = IdxFiles.write(dir, "data_batch_1.bin", cifar(4, CifarReader.Layout.CIFAR10));
    assertEquals(4, CifarReader.count(f, CifarReader.Layout.CIFAR10));
    Examples e = CifarReader.read(f, CifarReader.Layout.CIFAR10, 3);
    assertArrayEquals(new int[] {0, 3, 6}, e.y());
    assertEquals(3072, e.x().cols());
    assertEquals(2.0, e.x().get(2, 0));
    assertEquals((2 + 7 * 1024) % 256, e.x().get(2, 1024), "first green pixel");
    assertEquals((1 + 7 * 3071) % 256, e.x().get(1, 3071));
    assertArrayEquals(new int[] {0, 3, 6, 9}, CifarReader.labels(f, CifarReader.Layout.CIFAR10));
  }

  @Test
  void cifar100HasFineAndCoarseLabels() throws IOException {
    Path f = IdxFiles.write(dir, "train.bin", cifar(3, CifarReader.Layout.CIFAR100_FINE));
    assertArrayEquals(
        new int[] {0, 7, 14}, CifarReader.read(f, CifarReader.Layout.CIFAR100_FINE, 3).y());
    assertArrayEquals(
        new int[] {0, 3, 6}, CifarReader.labels(f, CifarReader.Layout.CIFAR100_COARSE));
    assertEquals(1.0, CifarReader.read(f, CifarReader.Layout.CIFAR100_FINE, 2).x().get(1, 0));
  }

  @Test
  void cifarRejectsPartialRecordsBadLabelsAndTooManyAsked() throws IOException {
    byte[] b = cifar(2, CifarReader.Layout.CIFAR10);
    Path cut = IdxFiles.write(dir, "cut.bin", Arrays.copyOf(b, b.length - 100));
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarReader.count(cut, CifarReader.Layout.CIFAR10));
    assertEquals(
        cut
            + " is truncated or not a CIFAR-10 file: 6046 bytes is not a whole number of 3073-byte"
            + " records (1 records and 2973 bytes over)",
        e.getMessage());
    b[3073] = 10;
    Path bad = IdxFiles.write(dir, "bad.bin", b);
    e =
        assertThrows(
            DatasetException.class, () -> CifarReader.labels(bad, CifarReader.Layout.CIFAR10));
    assertEquals(bad + ": label of record 1 is 10, expected 0..9 for CIFAR-10", e.getMessage());
    e =
        assertThrows(
            DatasetException.class, () -> CifarReader.read(bad, CifarReader.Layout.CIFAR10, 3));
    assertEquals(bad + " holds 2 records, asked for the first 3", e.getMessage());
    Path missing = dir.resolve("test_batch.bin");
    e =
        assertThrows(
            DatasetException.class, () -> CifarReader.count(missing, CifarReader.Layout.CIFAR10));
    assertEquals(missing + " not found; expected a CIFAR-10 binary file there", e.getMessage());
  }

  /**
   * Writes rows with a FixedSizeList&lt;UInt1&gt; column {@code image} of {@code d} values (row i,
   * value j = (200 + i + j) mod 256, so values above 127 occur) and an Int32 {@code label} = i mod
   * 3, in record batches of {@code batch} rows.
   */
  static Path writeArrow(Path file, int rows, int d, int batch) throws IOException {
    try (BufferAllocator alloc = new RootAllocator();
        FixedSizeListVector image = FixedSizeListVector.empty("image", d, alloc);
        IntVector label = new IntVector("label", alloc)) {
      image.addOrGetVector(FieldType.notNullable(new ArrowType.Int(8, false)));
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(image, label));
          FileChannel ch =
              FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
        w.start();
        for (int start = 0; start < rows; start += batch) {
          int n = Math.min(batch, rows - start);
          image.allocateNew();
          label.allocateNew(n);
          UInt1Vector data = (UInt1Vector) image.getDataVector();
          data.allocateNew(n * d);
          for (int r = 0; r < n; r++) {
            image.setNotNull(r);
            for (int j = 0; j < d; j++) {
              data.set(r * d + j, (200 + start + r + j) % 256);
            }
            label.set(r, (start + r) % 3);
          }
          data.setValueCount(n * d);
          image.setValueCount(n);
          label.setValueCount(n);
          root.setRowCount(n);
          w.writeBatch();
        }
        w.end();
      }
    }
    return file;
  }

  @Test
  void arrowRowsRoundTripAcrossBatchesWithUnsignedBytes() throws IOException {
    Path f = writeArrow(dir.resolve("train.arrow"), 7, 5, 3);
    ArrowExamplesReader.Layout l = ArrowExamplesReader.layout(f);
    assertEquals(new ArrowExamplesReader.Layout(7, 5, "label", List.of("image")), l);
    Examples e = ArrowExamplesReader.read(f, 5);
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, e.y());
    assertEquals(200.0, e.x().get(0, 0));
    assertEquals((200 + 4 + 4) % 256, e.x().get(4, 4), "row 4 sits in the second batch");
    assertEquals(203.0, e.x().get(3, 0), "bytes above 127 read as unsigned");
    DatasetException ex =
        assertThrows(DatasetException.class, () -> ArrowExamplesReader.read(f, 8));
    assertEquals(f + " holds 7 rows, asked for the first 8", ex.getMessage());
  }

  @Test
  void arrowScalarFeatureColumnsAreInputsInSchemaOrder() throws IOException {
    Path f = dir.resolve("t.arrow");
    try (BufferAllocator alloc = new RootAllocator();
        Float8Vector a = new Float8Vector("a", alloc);
        IntVector y = new IntVector("y", alloc);
        Float8Vector b = new Float8Vector("b", alloc)) {
      a.allocateNew(2);
      b.allocateNew(2);
      y.allocateNew(2);
      a.set(0, 1.5);
      a.set(1, -2);
      b.set(0, 3);
      b.set(1, 4.25);
      y.set(0, 1);
      y.set(1, 0);
      for (var v : List.of(a, b, y)) {
        v.setValueCount(2);
      }
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(a, y, b));
          FileChannel ch =
              FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
        root.setRowCount(2);
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    Examples e = ArrowExamplesReader.read(f, -1);
    assertArrayEquals(new double[] {1.5, 3, -2, 4.25}, e.x().data());
    assertArrayEquals(new int[] {1, 0}, e.y());
  }

  @Test
  void arrowRejectsTruncatedFilesAndMissingLabels() throws IOException {
    Path f = writeArrow(dir.resolve("a.arrow"), 4, 3, 4);
    byte[] all = Files.readAllBytes(f);
    Path cut = IdxFiles.write(dir, "cut.arrow", Arrays.copyOf(all, all.length - 40));
    DatasetException e =
        assertThrows(DatasetException.class, () -> ArrowExamplesReader.layout(cut));
    assertTrue(e.getMessage().startsWith(cut + " is not a"), e.getMessage());

    Path noLabel = dir.resolve("n.arrow");
    try (BufferAllocator alloc = new RootAllocator();
        Float8Vector a = new Float8Vector("a", alloc)) {
      a.allocateNew(1);
      a.set(0, 1);
      a.setValueCount(1);
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(a));
          FileChannel ch =
              FileChannel.open(noLabel, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
        root.setRowCount(1);
        w.start();
        w.writeBatch();
        w.end();
      }
    }
    e = assertThrows(DatasetException.class, () -> ArrowExamplesReader.layout(noLabel));
    assertEquals(
        noLabel
            + " has columns [a:FloatingPoint(DOUBLE)]; expected an integer column 'label' or 'y'",
        e.getMessage());
  }
}
