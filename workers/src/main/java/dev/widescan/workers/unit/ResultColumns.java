package dev.widescan.workers.unit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The one table of result columns: each column's SQL name and type, its Arrow type, its JSON name
 * (also the CSV header and the Arrow field name) and how its value is taken from a worker's {@link
 * ResultRow}. The job's upsert, the orchestrator's select, JSON, CSV, Arrow and the dashboard's
 * mapping (served as {@code GET /api/results/columns}) are all derived from it; a test checks it
 * against the schema that {@code migrations/} creates. A new column is one line here plus its
 * migration.
 *
 * <p>The order of {@link #EXPORTED} is the order of the API, the CSV header and the Arrow schema;
 * clients read those by position too, so a new column goes at its end.
 */
public final class ResultColumns {
  private ResultColumns() {}

  /**
   * A column type: its spelling in Postgres' {@code information_schema.columns.data_type}, the
   * Arrow type it is exported as, and the JSON type the dashboard decodes it as. Values are the
   * boxed Java types {@code Long}, {@code Integer}, {@code Double}, {@code Boolean}, {@code
   * String}, or null.
   */
  public enum Type {
    BIGINT("bigint", new ArrowType.Int(64, true), "integer"),
    INTEGER("integer", new ArrowType.Int(32, true), "integer"),
    DOUBLE(
        "double precision", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), "number"),
    BOOLEAN("boolean", ArrowType.Bool.INSTANCE, "boolean"),
    TEXT("text", ArrowType.Utf8.INSTANCE, "string");

    private final String sql;
    private final ArrowType arrow;
    private final String json;

    Type(String sql, ArrowType arrow, String json) {
      this.sql = sql;
      this.arrow = arrow;
      this.json = json;
    }

    /** The type as Postgres names it in {@code information_schema}. */
    public String sql() {
      return sql;
    }

    public ArrowType arrow() {
      return arrow;
    }

    /** {@code integer}, {@code number} (may be {@code "inf"} on the wire), boolean or string. */
    public String json() {
      return json;
    }

    /** Binds {@code value} (of this type's Java class, or null) as parameter {@code index}. */
    public void bind(PreparedStatement ps, int index, Object value) throws SQLException {
      if (value == null) {
        ps.setNull(index, jdbc());
        return;
      }
      switch (this) {
        case BIGINT -> ps.setLong(index, ((Number) value).longValue());
        case INTEGER -> ps.setInt(index, ((Number) value).intValue());
        case DOUBLE -> ps.setDouble(index, ((Number) value).doubleValue());
        case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
        case TEXT -> ps.setString(index, value.toString());
      }
    }

    /** Reads column {@code index} of the current row; SQL NULL is null. */
    public Object read(ResultSet rs, int index) throws SQLException {
      Object value =
          switch (this) {
            case BIGINT -> rs.getLong(index);
            case INTEGER -> rs.getInt(index);
            case DOUBLE -> rs.getDouble(index);
            case BOOLEAN -> rs.getBoolean(index);
            case TEXT -> rs.getString(index);
          };
      return rs.wasNull() ? null : value;
    }

    private int jdbc() {
      return switch (this) {
        case BIGINT -> Types.BIGINT;
        case INTEGER -> Types.INTEGER;
        case DOUBLE -> Types.DOUBLE;
        case BOOLEAN -> Types.BOOLEAN;
        case TEXT -> Types.VARCHAR;
      };
    }
  }

  /** What a worker writes for one result row: the row, its unit and the unit's artifact. */
  public record Written(long unitId, ResultRow row, String artifact) {}

  /**
   * One column of the {@code result} table.
   *
   * @param name the SQL column
   * @param json the JSON name, CSV header and Arrow field; null for a column the API does not show
   * @param nullable whether the column may be NULL (as the schema declares it)
   * @param value the value a worker writes, of {@code type}'s Java class, or null
   */
  public record Column(
      String name, Type type, boolean nullable, String json, Function<Written, Object> value) {

    public boolean exported() {
      return json != null;
    }

    /** The value of this column for one written row. */
    public Object valueOf(Written written) {
      return value.apply(written);
    }
  }

  /**
   * Every column a worker writes, in the API's order first and then those only the store uses. The
   * database fills {@code id} and {@code created_at} itself.
   */
  public static final List<Column> ALL =
      List.of(
          exported("unit_id", Type.BIGINT, false, w -> w.unitId()),
          exported("model", Type.TEXT, false, w -> w.row().model()),
          exported("dataset", Type.TEXT, false, w -> w.row().dataset().name()),
          exported("train_size", Type.INTEGER, false, w -> w.row().dataset().train()),
          exported("test_size", Type.INTEGER, false, w -> w.row().dataset().test()),
          exported("preprocess", Type.TEXT, false, w -> w.row().dataset().preprocess()),
          exported("subset", Type.TEXT, true, w -> w.row().dataset().subset()),
          exported("targets", Type.TEXT, true, w -> w.row().dataset().targets()),
          exported("dataset_identity", Type.TEXT, true, w -> w.row().dataset().identity()),
          exported("activation", Type.TEXT, false, w -> w.row().architecture().activation()),
          exported("depth", Type.INTEGER, false, w -> w.row().architecture().depth()),
          exported("w_std", Type.DOUBLE, false, w -> w.row().architecture().wStd()),
          exported("b_std", Type.DOUBLE, false, w -> w.row().architecture().bStd()),
          exported(
              "parameterization", Type.TEXT, false, w -> w.row().architecture().parameterization()),
          exported("width", Type.INTEGER, true, w -> w.row().architecture().width()),
          exported("loss", Type.TEXT, true, trained(ResultRow.Training::loss)),
          exported("lr", Type.DOUBLE, true, trained(ResultRow.Training::lr)),
          exported("momentum", Type.DOUBLE, true, trained(ResultRow.Training::momentum)),
          exported("weight_decay", Type.DOUBLE, true, trained(ResultRow.Training::weightDecay)),
          exported(
              "weight_decay_mode", Type.TEXT, true, trained(ResultRow.Training::weightDecayMode)),
          exported("centred", Type.BOOLEAN, true, trained(ResultRow.Training::centred)),
          exported("epochs", Type.INTEGER, true, trained(ResultRow.Training::epochs)),
          exported("steps", Type.BIGINT, true, trained(ResultRow.Training::steps)),
          exported("batch_size", Type.INTEGER, true, trained(ResultRow.Training::batchSize)),
          // Empirical kernels keep a seed and a note without a training run.
          exported("seed", Type.INTEGER, true, training(ResultRow.Training::seed)),
          exported("diag_reg", Type.DOUBLE, true, w -> w.row().diagReg()),
          exported("t", Type.DOUBLE, true, w -> w.row().t()),
          exported("test_accuracy", Type.DOUBLE, true, w -> w.row().testAccuracy()),
          exported("test_mse", Type.DOUBLE, true, w -> w.row().testMse()),
          exported("train_loss", Type.DOUBLE, true, w -> w.row().trainLoss()),
          exported("kernel_error", Type.DOUBLE, true, w -> w.row().kernelError()),
          exported("test_variance", Type.DOUBLE, true, w -> w.row().testVariance()),
          exported(
              "diverged_at_step", Type.BIGINT, true, trained(ResultRow.Training::divergedAtStep)),
          exported("note", Type.TEXT, true, training(ResultRow.Training::note)),
          exported("train_seconds", Type.DOUBLE, true, trained(ResultRow.Training::trainSeconds)),
          exported("artifact", Type.TEXT, true, w -> w.artifact()),
          exported("architecture", Type.TEXT, true, w -> w.row().architecture().architecture()),
          stored("row_key", Type.TEXT, false, w -> w.row().rowKey()),
          stored("family", Type.TEXT, false, w -> w.row().architecture().family()));

  /** The columns of the API, the CSV export and the Arrow stream, in their order. */
  public static final List<Column> EXPORTED = ALL.stream().filter(Column::exported).toList();

  /** Columns the database fills itself: not written by workers, not exported. */
  public static final List<String> DATABASE_FILLED = List.of("id", "created_at");

  /** The column named {@code name}. */
  public static Column named(String name) {
    return ALL.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no result column '"
                        + name
                        + "'; expected one of "
                        + ALL.stream().map(Column::name).toList()));
  }

  private static Column exported(
      String name, Type type, boolean nullable, Function<Written, Object> value) {
    return new Column(name, type, nullable, name, value);
  }

  private static Column stored(
      String name, Type type, boolean nullable, Function<Written, Object> value) {
    return new Column(name, type, nullable, null, value);
  }

  /**
   * A training column: empty rather than zero for rows without a training run (kernels; empirical
   * kernels carry a Training for their seed and note, with no loss).
   */
  private static Function<Written, Object> trained(Function<ResultRow.Training, Object> field) {
    return w -> {
      ResultRow.Training t = w.row().training();
      return t == null || t.loss() == null ? null : field.apply(t);
    };
  }

  private static Function<Written, Object> training(Function<ResultRow.Training, Object> field) {
    return w -> w.row().training() == null ? null : field.apply(w.row().training());
  }
}
