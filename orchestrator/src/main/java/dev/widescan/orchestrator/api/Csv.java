package dev.widescan.orchestrator.api;

import dev.widescan.workers.unit.ResultColumns;
import java.util.List;
import java.util.Map;

/**
 * RFC 4180 CSV: a header row of the columns' JSON names, then one line per row; empty where a value
 * is null, {@code inf} for ∞.
 */
final class Csv {
  private Csv() {}

  static String write(List<ResultColumns.Column> columns, List<Map<String, Object>> rows) {
    StringBuilder out = new StringBuilder();
    out.append(String.join(",", columns.stream().map(ResultColumns.Column::json).toList()))
        .append("\r\n");
    for (Map<String, Object> row : rows) {
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(row.get(columns.get(i).json())));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d && Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String s = value.toString();
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
