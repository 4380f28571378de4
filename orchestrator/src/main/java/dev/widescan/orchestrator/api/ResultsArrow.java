package dev.widescan.orchestrator.api;

import dev.widescan.workers.unit.ResultColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Result rows as one Arrow IPC stream with typed, nullable columns, typed by {@link ResultColumns}:
 * identifiers and step counts int64, counts and axes int32, measurements float64 (t = ∞ stays IEEE
 * infinity), names utf8, flags bool.
 */
final class ResultsArrow {
  static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";

  private ResultsArrow() {}

  static byte[] write(List<ResultColumns.Column> columns, List<Map<String, Object>> rows) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema(columns), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      root.getFieldVectors().forEach(v -> v.setInitialCapacity(Math.max(rows.size(), 1)));
      root.allocateNew();
      for (int i = 0; i < rows.size(); i++) {
        for (ResultColumns.Column column : columns) {
          set(root.getVector(column.json()), i, rows.get(i).get(column.json()));
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

  private static Schema schema(List<ResultColumns.Column> columns) {
    List<Field> fields = new ArrayList<>();
    for (ResultColumns.Column column : columns) {
      fields.add(new Field(column.json(), FieldType.nullable(column.type().arrow()), null));
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
