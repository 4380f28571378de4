package dev.widescan.orchestrator.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Result rows as one Arrow IPC stream with typed, nullable columns: identifiers int64, counts and
 * axes int32, measurements float64 (t = ∞ stays IEEE infinity), names utf8.
 */
final class ResultsArrow {
  static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";
  private static final Set<String> INT64 = Set.of("unit_id", "diverged_at_step", "steps");
  private static final Set<String> BOOL = Set.of("centred");
  private static final Set<String> INT32 =
      Set.of("train_size", "test_size", "depth", "width", "epochs", "batch_size", "seed");
  private static final Set<String> UTF8 =
      Set.of(
          "model",
          "dataset",
          "activation",
          "parameterization",
          "artifact",
          "preprocess",
          "subset",
          "targets",
          "dataset_identity",
          "loss",
          "weight_decay_mode",
          "note");

  private ResultsArrow() {}

  static byte[] write(List<String> columns, List<Map<String, Object>> rows) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema(columns), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      root.getFieldVectors().forEach(v -> v.setInitialCapacity(Math.max(rows.size(), 1)));
      root.allocateNew();
      for (int i = 0; i < rows.size(); i++) {
        for (String column : columns) {
          set(root.getVector(column), i, rows.get(i).get(column));
        }
      }
      root.setRowCount(rows.size());
      writer.start();
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Schema schema(List<String> columns) {
    List<Field> fields = new ArrayList<>();
    for (String column : columns) {
      ArrowType type =
          BOOL.contains(column)
              ? ArrowType.Bool.INSTANCE
              : INT64.contains(column)
                  ? new ArrowType.Int(64, true)
                  : INT32.contains(column)
                      ? new ArrowType.Int(32, true)
                      : UTF8.contains(column)
                          ? ArrowType.Utf8.INSTANCE
                          : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      fields.add(new Field(column, FieldType.nullable(type), null));
    }
    return new Schema(fields);
  }

  private static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
    } else if (vector instanceof BigIntVector v) {
      v.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(index, ((Number) value).doubleValue());
    } else if (vector instanceof BitVector v) {
      v.setSafe(index, Boolean.TRUE.equals(value) ? 1 : 0);
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
