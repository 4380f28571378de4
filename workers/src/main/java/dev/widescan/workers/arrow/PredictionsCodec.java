package dev.widescan.workers.arrow;

import dev.widescan.workers.linalg.Matrix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Test-set predictions as an Arrow IPC stream, one record batch per predictor. Columns: {@code
 * row_key} (utf8: which predictor, e.g. {@code ntk/diag_reg=1e-4/t=inf}), {@code example} (int32:
 * index in the test set), {@code label} (int32: the true class), {@code prediction}
 * (fixed_size_list&lt;float64&gt;[k]: the k outputs) and {@code variance} (float64, nullable: the
 * NNGP posterior variance where it was computed). pandas, polars and pyarrow read it directly.
 */
public final class PredictionsCodec {

  private PredictionsCodec() {}

  /** Predictions of one predictor: rows are test examples, columns the k outputs. */
  /**
   * @param variance the posterior variance of each test point (the same for every output), or null
   *     where the predictor has none
   */
  public record Predictions(String rowKey, Matrix mean, double[] variance) {
    public Predictions(String rowKey, Matrix mean) {
      this(rowKey, mean, null);
    }
  }

  public static Schema schemaFor(int outputs) {
    return new Schema(
        List.of(
            new Field("row_key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("example", FieldType.notNullable(new ArrowType.Int(32, true)), null),
            new Field("label", FieldType.notNullable(new ArrowType.Int(32, true)), null),
            MatrixColumn.field("prediction", outputs),
            new Field(
                "variance",
                FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                null)));
  }

  public static byte[] encode(List<Predictions> predictors, int[] labels) {
    if (predictors.isEmpty()) {
      throw new IllegalArgumentException("no predictions to encode");
    }
    int outputs = predictors.get(0).mean().cols();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schemaFor(outputs), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      writer.start();
      for (Predictions p : predictors) {
        Matrix m = p.mean();
        if (m.rows() != labels.length || m.cols() != outputs) {
          throw new IllegalArgumentException(
              "predictions '"
                  + p.rowKey()
                  + "' are "
                  + m.shape()
                  + ", expected "
                  + labels.length
                  + "x"
                  + outputs);
        }
        fill(root, p.rowKey(), m, p.variance(), labels);
        writer.writeBatch();
      }
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads back what {@link #encode} wrote, keyed by row key, in stream order. */
  public static Map<String, Matrix> decode(byte[] stream) {
    Map<String, Matrix> out = new LinkedHashMap<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        int rows = root.getRowCount();
        VarCharVector keys = (VarCharVector) root.getVector("row_key");
        String key = rows == 0 ? "" : new String(keys.get(0), StandardCharsets.UTF_8);
        out.put(key, MatrixColumn.read((FixedSizeListVector) root.getVector("prediction"), rows));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "not an Arrow IPC stream of predictions: " + e.getMessage(), e);
    }
    return out;
  }

  private static void fill(
      VectorSchemaRoot root, String rowKey, Matrix m, double[] variance, int[] labels) {
    int rows = m.rows();
    root.allocateNew();
    VarCharVector keys = (VarCharVector) root.getVector("row_key");
    IntVector examples = (IntVector) root.getVector("example");
    IntVector labelVector = (IntVector) root.getVector("label");
    byte[] key = rowKey.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < rows; i++) {
      keys.setSafe(i, key);
      examples.setSafe(i, i);
      labelVector.setSafe(i, labels[i]);
    }
    MatrixColumn.write((FixedSizeListVector) root.getVector("prediction"), m);
    Float8Vector variances = (Float8Vector) root.getVector("variance");
    while (variances.getValueCapacity() < rows) {
      variances.reAlloc();
    }
    for (int i = 0; i < rows; i++) {
      if (variance == null) {
        variances.setNull(i);
      } else {
        variances.setSafe(i, variance[i]);
      }
    }
    root.setRowCount(rows);
  }
}
