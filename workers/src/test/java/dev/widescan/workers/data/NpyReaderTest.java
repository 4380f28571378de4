package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {
  @TempDir Path dir;

  private Path fixture(String name, String base64) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, Base64.getDecoder().decode(base64));
    return p;
  }

  @Test
  void readsNumpyFloat32InCOrderFormat1() throws IOException {
    Path f = fixture("a.npy", NpyFixtures.F32_C_V1);
    NpyHeader h = NpyReader.readHeader(f);
    assertEquals("<f4", h.descr());
    assertFalse(h.fortranOrder());
    assertArrayEquals(new long[] {2, 3}, h.shape());
    assertEquals(128, h.dataOffset(), "NumPy pads the header to a multiple of 64");
    NpyArray a = NpyReader.read(f);
    assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, a.values());
    assertEquals(1.5, a.toMatrix().get(1, 0));
    assertArrayEquals(new double[] {0, 0.5, 1}, NpyReader.read(f, 1).values());
  }

  @Test
  void transposesBigEndianFortranOrderFormat2ToCOrder() throws IOException {
    NpyArray a = NpyReader.read(fixture("b.npy", NpyFixtures.F64_BE_FORTRAN_V2));
    assertEquals(">f8", a.header().descr());
    assertTrue(a.header().fortranOrder());
    assertEquals(12, a.header().itemSize());
    double[] expected = new double[24];
    Arrays.setAll(expected, i -> i); // np.arange(24).reshape(2, 3, 4) in C order
    assertArrayEquals(expected, a.values());
    assertArrayEquals(
        Arrays.copyOf(expected, 12),
        NpyReader.read(fixture("b2.npy", NpyFixtures.F64_BE_FORTRAN_V2), 1).values());
  }

  @Test
  void readsUint8Format3AndIntegerTypes() throws IOException {
    NpyArray labels = NpyReader.read(fixture("c.npy", NpyFixtures.U1_V3));
    assertArrayEquals(new int[] {3, 1, 4, 1, 5}, labels.toLabels("c"));
    assertEquals("(5,)", labels.header().shapeText());
    assertArrayEquals(
        new double[] {-2, 7, 2147483647, -2147483648},
        NpyReader.read(fixture("d.npy", NpyFixtures.I4_BE)).values());
    assertArrayEquals(
        new double[] {-1, 0, 1L << 40}, NpyReader.read(fixture("e.npy", NpyFixtures.I8)).values());
  }

  @Test
  void readsADeflatedNpzMemberByMember() throws IOException {
    Path npz = fixture("set.npz", NpyFixtures.DATASET_NPZ);
    assertEquals(List.of("x_train", "y_train", "x_test", "y_test"), NpyReader.npzKeys(npz));
    NpyHeader h = NpyReader.readNpzHeader(npz, "x_train");
    assertEquals("|u1", h.descr());
    assertArrayEquals(new long[] {3, 2, 2}, h.shape());
    Map<String, NpyArray> all = NpyReader.readNpz(npz);
    assertEquals(4, all.get("x_train").header().itemSize());
    assertEquals(220.0, all.get("x_train").values()[11]);
    assertArrayEquals(new int[] {0, 2, 1}, all.get("y_train").toLabels("y"));
    assertArrayEquals(
        new double[] {0, 0.25, 0.5, 0.75}, NpyReader.readNpz(npz, "x_test", 1).values());
    DatasetException e =
        assertThrows(DatasetException.class, () -> NpyReader.readNpz(npz, "x_val", -1));
    assertEquals(
        npz + " has no array 'x_val'; it holds x_train, y_train, x_test, y_test", e.getMessage());
  }

  @Test
  void rejectsTruncatedDataNamingFileAndSizes() throws IOException {
    byte[] full = Base64.getDecoder().decode(NpyFixtures.F32_C_V1);
    Path f = dir.resolve("cut.npy");
    Files.write(f, Arrays.copyOf(full, full.length - 3));
    DatasetException e = assertThrows(DatasetException.class, () -> NpyReader.readHeader(f));
    assertEquals(
        f
            + " is truncated: its header promises shape (2, 3) of <f4, 24 bytes of data, but the"
            + " file holds only 21",
        e.getMessage());
    e = assertThrows(DatasetException.class, () -> NpyReader.read(f));
    assertTrue(e.getMessage().contains("data ends after 21 bytes"), e.getMessage());
    assertEquals(3, NpyReader.read(f, 1).values().length, "the complete first row still reads");
  }

  @Test
  void rejectsWrongMagicUnsupportedDtypeAndTooManyItems() throws IOException {
    Path text = dir.resolve("x.npy");
    Files.writeString(text, "hello world");
    DatasetException e = assertThrows(DatasetException.class, () -> NpyReader.read(text));
    assertEquals(
        text
            + " is not a NumPy .npy file: it starts with 68 65 6c 6c 6f 20, expected the magic 93 4e"
            + " 55 4d 50 59 (\\x93NUMPY)",
        e.getMessage());

    byte[] good = Base64.getDecoder().decode(NpyFixtures.F32_C_V1);
    String header = new String(good, 10, 118, java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] complex = good.clone();
    byte[] replaced = header.replace("'<f4'", "'<c8'").getBytes();
    System.arraycopy(replaced, 0, complex, 10, replaced.length);
    Path c = dir.resolve("complex.npy");
    Files.write(c, complex);
    e = assertThrows(DatasetException.class, () -> NpyReader.read(c));
    assertTrue(e.getMessage().startsWith(c + " has dtype '<c8', expected one of"), e.getMessage());

    Path f = fixture("a.npy", NpyFixtures.F32_C_V1);
    e = assertThrows(DatasetException.class, () -> NpyReader.read(f, 3));
    assertEquals(f + " holds 2 items (shape (2, 3)), asked for 3", e.getMessage());
  }

  @Test
  void rejectsATruncatedNpz() throws IOException {
    byte[] full = Base64.getDecoder().decode(NpyFixtures.DATASET_NPZ);
    Path f = dir.resolve("cut.npz");
    Files.write(f, Arrays.copyOf(full, full.length / 2));
    DatasetException e =
        assertThrows(DatasetException.class, () -> NpyReader.readNpzHeader(f, "x_train"));
    assertTrue(
        e.getMessage().startsWith(f + " is not a valid zip (.npz) archive (truncated or corrupt)"),
        e.getMessage());
  }
}
