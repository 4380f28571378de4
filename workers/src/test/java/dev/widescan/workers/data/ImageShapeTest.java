package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.ImageShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data sets keep the shape of their images, and CIFAR's channel-first rows turn channels-last. */
class ImageShapeTest {
  @TempDir Path dir;

  private static DatasetRequest request(String name, int train, int test) {
    return new DatasetRequest(
        name,
        train,
        test,
        Subset.parse("first"),
        Preprocessing.parse("none"),
        Targets.parse("one-hot"));
  }

  @Test
  void cifarImagesAre32By32By3AndTurnChannelsLastPixelByPixel() throws IOException {
    Path cifar = Files.createDirectories(dir.resolve("cifar-10"));
    IdxFiles.write(
        cifar, "data_batch_1.bin", FormatReadersTest.cifar(4, CifarReader.Layout.CIFAR10));
    IdxFiles.write(cifar, "test_batch.bin", FormatReadersTest.cifar(2, CifarReader.Layout.CIFAR10));
    DatasetRegistry registry = DatasetRegistry.forPath(dir.toString());
    assertEquals(new ImageShape(32, 32, 3), registry.imageShape("cifar-10"));
    Dataset d = registry.load(request("cifar-10", 4, 2)).data();
    assertEquals(new ImageShape(32, 32, 3), d.shape());
    assertTrue(d.channelsFirst());
    Dataset last = d.channelsLast();
    assertFalse(last.channelsFirst());
    for (int i = 0; i < 4; i++) {
      for (int p : new int[] {0, 1, 31, 32, 500, 1023}) {
        for (int c = 0; c < 3; c++) {
          // Raw record i holds (i + 7j) mod 256 at byte j = c·1024 + p (channel-first).
          double expected = (i + 7 * (c * 1024 + p)) & 0xff;
          assertEquals(expected, d.xTrain().get(i, c * 1024 + p), "channel-first row " + i);
          assertEquals(expected, last.xTrain().get(i, p * 3 + c), "channels-last row " + i);
        }
      }
    }
    assertSame(last, last.channelsLast());
  }

  @Test
  void idxImagesAreHeightByWidthByOneAndRankThreeArraysToo() throws IOException {
    DatasetRegistry registry = DatasetRegistry.defaults();
    assertEquals(new ImageShape(28, 28, 1), registry.imageShape("fashion-mnist"));
    Dataset fashion = registry.load(request("fashion-mnist", 3, 2)).data();
    assertEquals(new ImageShape(28, 28, 1), fashion.shape());
    assertSame(fashion, fashion.channelsLast());

    Path npz = Files.createDirectories(dir.resolve("tiny"));
    Files.write(npz.resolve("tiny.npz"), Base64.getDecoder().decode(NpyFixtures.DATASET_NPZ));
    DatasetRegistry local = DatasetRegistry.forPath(dir.toString());
    // x_train is (3, 2, 2): two-by-two single-channel images.
    assertEquals(new ImageShape(2, 2, 1), local.imageShape("tiny"));
  }

  @Test
  void vectorDataSetsHaveNoImageShape() {
    DatasetRegistry registry = DatasetRegistry.defaults();
    assertNull(registry.imageShape("teacher:classes=3,d=8,hidden=16,seed=1"));
    Dataset d = registry.load(request("teacher:classes=3,d=8,hidden=16,seed=1", 5, 5)).data();
    assertNull(d.shape());
  }
}
