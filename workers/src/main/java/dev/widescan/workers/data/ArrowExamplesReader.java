package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.InvalidArrowFileException;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads examples from an Arrow IPC file (the random-access "file" format, also written as Feather
 * v2; https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format), one row per example.
 *
 * <p>Columns: the label is the integer column named {@code label} (or {@code y}); the inputs are a
 * {@code FixedSizeList} (or {@code List}) column of numbers named {@code x}, {@code image}, {@code
 * features} or {@code pixels} (or the only list column), or else every other numeric column, in
 * schema order. Nulls are rejected.
 */
public final class ArrowExamplesReader {
  static final Set<String> LABEL_COLUMNS = Set.of("label", "y");
  static final List<String> INPUT_COLUMNS = List.of("x", "image", "features", "pixels");

  private ArrowExamplesReader() {}

  /**
   * Rows, feature count and column layout of an Arrow file: reads the schema and walks the record
   * batches (Arrow files keep row counts in each batch, not in the footer).
   *
   * @param rows examples in the file
   * @param features inputs per example
   * @param labelColumn the label column's name
   * @param inputColumns the input columns' names (one list column or several scalar ones)
   */
  public record Layout(long rows, int features, String labelColumn, List<String> inputColumns) {}

  /** The layout of {@code file}, checking schema and row counts. */
  public static Layout layout(Path file) {
    return scan(file, 0).layout;
  }

  /** Reads the first {@code limit} rows ({@code -1}: all) of {@code file}. */
  public static Examples read(Path file, int limit) {
    Scan s = scan(file, limit);
    return s.examples;
  }

  private record Scan(Layout layout, Examples examples) {}

  private static Scan scan(Path file, int limit) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(
          file + " not found; expected an Arrow IPC file (one row per example) there");
    }
    try (BufferAllocator alloc = new RootAllocator();
        SeekableByteChannel ch = Files.newByteChannel(file);
        ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
      Schema schema;
      List<ArrowBlock> blocks;
      try {
        schema = reader.getVectorSchemaRoot().getSchema();
        blocks = reader.getRecordBlocks();
      } catch (InvalidArrowFileException | IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new DatasetException(
            file + " is not a valid Arrow IPC file (truncated or another format): " + e, e);
      }
      String label = null;
      for (Field f : schema.getFields()) {
        if (LABEL_COLUMNS.contains(f.getName())) {
          label = f.getName();
          break;
        }
      }
      if (label == null || !(schema.findField(label).getType() instanceof ArrowType.Int)) {
        throw new DatasetException(
            file + " has columns " + names(schema) + "; expected an integer column 'label' or 'y'");
      }
      List<String> inputs = inputColumns(file, schema, label);
      boolean list = inputs.size() == 1 && isList(schema.findField(inputs.get(0)));
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      long rows = 0;
      int features = list ? -1 : inputs.size();
      List<double[]> xs = new ArrayList<>();
      List<int[]> ys = new ArrayList<>();
      int wanted = limit < 0 ? Integer.MAX_VALUE : limit;
      int kept = 0;
      for (ArrowBlock block : blocks) {
        if (!reader.loadRecordBatch(block)) {
          break;
        }
        int n = root.getRowCount();
        if (list && features < 0 && n > 0) {
          features = listLength(file, root.getVector(inputs.get(0)), 0);
        }
        int take = Math.min(n, wanted - kept);
        if (take > 0) {
          xs.add(inputs(file, root, inputs, list, features, take, rows));
          ys.add(labels(file, root.getVector(label), take, rows));
          kept += take;
        }
        rows += n;
      }
      if (features < 0) {
        features =
            ((FixedSizeListVector.class.isInstance(root.getVector(inputs.get(0)))))
                ? ((FixedSizeListVector) root.getVector(inputs.get(0))).getListSize()
                : 0;
      }
      if (limit > rows) {
        throw new DatasetException(file + " holds " + rows + " rows, asked for the first " + limit);
      }
      double[] x = new double[Math.multiplyExact(kept, features)];
      int[] y = new int[kept];
      int at = 0;
      for (int b = 0; b < xs.size(); b++) {
        System.arraycopy(xs.get(b), 0, x, at * features, xs.get(b).length);
        System.arraycopy(ys.get(b), 0, y, at, ys.get(b).length);
        at += ys.get(b).length;
      }
      return new Scan(
          new Layout(rows, features, label, inputs),
          new Examples(new Matrix(kept, features, x), y));
    } catch (IOException | RuntimeException e) {
      if (e instanceof DatasetException d) {
        throw d;
      }
      throw new DatasetException(
          file + " is not a readable Arrow IPC file (truncated or corrupt): " + e, e);
    }
  }

  private static List<String> inputColumns(Path file, Schema schema, String label) {
    List<Field> fields = schema.getFields();
    for (String name : INPUT_COLUMNS) {
      for (Field f : fields) {
        if (f.getName().equals(name) && isList(f)) {
          return List.of(name);
        }
      }
    }
    List<String> lists = new ArrayList<>();
    List<String> scalars = new ArrayList<>();
    for (Field f : fields) {
      if (f.getName().equals(label)) {
        continue;
      }
      if (isList(f)) {
        lists.add(f.getName());
      } else if (isNumber(f.getType())) {
        scalars.add(f.getName());
      }
    }
    if (lists.size() == 1) {
      return lists;
    }
    if (lists.isEmpty() && !scalars.isEmpty()) {
      return scalars;
    }
    throw new DatasetException(
        file
            + " has columns "
            + names(schema)
            + "; expected one list column of numbers named x, image, features or pixels, or"
            + " numeric feature columns, besides the label");
  }

  private static boolean isList(Field f) {
    ArrowType t = f.getType();
    return (t instanceof ArrowType.FixedSizeList || t instanceof ArrowType.List)
        && f.getChildren().size() == 1
        && isNumber(f.getChildren().get(0).getType());
  }

  private static boolean isNumber(ArrowType t) {
    return t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint;
  }

  private static int listLength(Path file, FieldVector v, int row) {
    if (v instanceof FixedSizeListVector f) {
      return f.getListSize();
    }
    ListVector l = (ListVector) v;
    return l.getElementEndIndex(row) - l.getElementStartIndex(row);
  }

  private static double[] inputs(
      Path file,
      VectorSchemaRoot root,
      List<String> columns,
      boolean list,
      int features,
      int take,
      long firstRow) {
    double[] x = new double[Math.multiplyExact(take, features)];
    if (list) {
      FieldVector v = root.getVector(columns.get(0));
      ValueVector data =
          v instanceof FixedSizeListVector f ? f.getDataVector() : ((ListVector) v).getDataVector();
      for (int r = 0; r < take; r++) {
        if (v.isNull(r)) {
          throw nullValue(file, columns.get(0), firstRow + r);
        }
        int start;
        if (v instanceof ListVector l) {
          start = l.getElementStartIndex(r);
          int len = l.getElementEndIndex(r) - start;
          if (len != features) {
            throw new DatasetException(
                file
                    + ": row "
                    + (firstRow + r)
                    + " of column "
                    + columns.get(0)
                    + " has "
                    + len
                    + " values, expected "
                    + features
                    + " like the first row");
          }
        } else {
          start = r * features;
        }
        for (int j = 0; j < features; j++) {
          x[r * features + j] = number(file, columns.get(0), data, start + j, firstRow + r);
        }
      }
    } else {
      for (int c = 0; c < columns.size(); c++) {
        FieldVector v = root.getVector(columns.get(c));
        for (int r = 0; r < take; r++) {
          x[r * features + c] = number(file, columns.get(c), v, r, firstRow + r);
        }
      }
    }
    return x;
  }

  private static int[] labels(Path file, FieldVector v, int take, long firstRow) {
    int[] y = new int[take];
    for (int r = 0; r < take; r++) {
      if (v.isNull(r)) {
        throw nullValue(file, v.getName(), firstRow + r);
      }
      long label = ((BaseIntVector) v).getValueAsLong(r);
      if (label < 0 || label > Integer.MAX_VALUE) {
        throw new DatasetException(
            file
                + ": label of row "
                + (firstRow + r)
                + " is "
                + label
                + ", expected an integer >= 0");
      }
      y[r] = (int) label;
    }
    return y;
  }

  private static double number(Path file, String column, ValueVector v, int index, long row) {
    if (v.isNull(index)) {
      throw nullValue(file, column, row);
    }
    if (v instanceof FloatingPointVector f) {
      return f.getValueAsDouble(index);
    }
    return ((BaseIntVector) v).getValueAsLong(index);
  }

  private static DatasetException nullValue(Path file, String column, long row) {
    return new DatasetException(
        file + ": column " + column + " is null in row " + row + ", expected a number");
  }

  private static String names(Schema schema) {
    List<String> n = new ArrayList<>();
    for (Field f : schema.getFields()) {
      n.add(f.getName() + ":" + f.getType());
    }
    return n.toString();
  }
}
