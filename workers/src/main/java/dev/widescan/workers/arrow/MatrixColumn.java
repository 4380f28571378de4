package dev.widescan.workers.arrow;

import dev.widescan.workers.linalg.Matrix;
import java.util.List;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * A matrix as one Arrow column: row i of the matrix is the {@code fixed_size_list<float64>[cols]}
 * in row i. One column is simpler and faster to write and read than one vector per matrix column.
 */
final class MatrixColumn {
  private MatrixColumn() {}

  static Field field(String name, int cols) {
    Field element =
        new Field(
            "element",
            FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            null);
    return new Field(
        name, FieldType.notNullable(new ArrowType.FixedSizeList(cols)), List.of(element));
  }

  /** Writes m's rows into the column's first m.rows() entries; the root's row count is not set. */
  static void write(FixedSizeListVector column, Matrix m) {
    Float8Vector values = (Float8Vector) column.getDataVector();
    int count = m.rows() * m.cols();
    while (values.getValueCapacity() < count) {
      values.reAlloc();
    }
    for (int i = 0; i < m.rows(); i++) {
      column.setNotNull(i);
    }
    double[] data = m.data();
    for (int i = 0; i < count; i++) {
      values.set(i, data[i]);
    }
    values.setValueCount(count);
  }

  /** The first {@code rows} entries of the column as a rows × list-size matrix. */
  static Matrix read(FixedSizeListVector column, int rows) {
    int cols = column.getListSize();
    Float8Vector values = (Float8Vector) column.getDataVector();
    double[] data = new double[Math.multiplyExact(rows, cols)];
    for (int i = 0; i < data.length; i++) {
      data[i] = values.get(i);
    }
    return new Matrix(rows, cols, data);
  }
}
