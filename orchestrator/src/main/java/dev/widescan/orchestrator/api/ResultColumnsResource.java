package dev.widescan.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.widescan.workers.unit.ResultColumns;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The columns of a result row, in the order of the JSON rows, the CSV header and the Arrow schema:
 * what the dashboard maps wire rows by, so that it keeps no list of its own.
 */
@Path("/api/results/columns")
@Produces(MediaType.APPLICATION_JSON)
public class ResultColumnsResource {

  /**
   * One column: its JSON name (also the CSV header and Arrow field), the JSON type its values have
   * ({@code integer}, {@code number} — {@code "inf"} for ∞ —, {@code boolean} or {@code string};
   * null where a row has no value), and its SQL and Arrow types.
   */
  public record ColumnInfo(
      String name,
      String type,
      @JsonProperty("sql_type") String sqlType,
      @JsonProperty("arrow_type") String arrowType) {

    static ColumnInfo of(ResultColumns.Column column) {
      return new ColumnInfo(
          column.json(),
          column.type().json(),
          column.type().sql(),
          column.type().arrow().toString());
    }
  }

  @GET
  public List<ColumnInfo> columns() {
    return ResultColumns.EXPORTED.stream().map(ColumnInfo::of).toList();
  }
}
