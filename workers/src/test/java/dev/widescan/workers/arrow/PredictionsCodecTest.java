package dev.widescan.workers.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.linalg.Matrix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionsCodecTest {

  @Test
  void roundTripsEveryPredictorBitForBit() {
    Matrix a = Matrix.of(new double[][] {{0.9, -0.1, Math.PI}, {-1e-300, 1e300, -0.0}});
    Matrix b = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    byte[] stream =
        PredictionsCodec.encode(
            List.of(new Predictions("nngp/x", a), new Predictions("ntk/y", b)), new int[] {2, 0});
    Map<String, Matrix> back = PredictionsCodec.decode(stream);
    assertEquals(List.of("nngp/x", "ntk/y"), List.copyOf(back.keySet()));
    assertArrayEquals(a.data(), back.get("nngp/x").data());
    assertArrayEquals(b.data(), back.get("ntk/y").data());
    assertEquals(3, back.get("ntk/y").cols());
  }

  @Test
  void rejectsPredictionsThatDoNotMatchTheLabels() {
    Matrix m = Matrix.zeros(3, 10);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PredictionsCodec.encode(List.of(new Predictions("p", m)), new int[] {1, 2}));
    assertEquals("predictions 'p' are 3x10, expected 2x10", e.getMessage());
  }
}
