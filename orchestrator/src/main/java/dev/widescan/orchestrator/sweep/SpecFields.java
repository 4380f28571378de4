package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Reads the fields of one object of a spec, recording every problem with the field's full path
 * instead of stopping at the first, so a researcher fixes a spec in one round.
 */
final class SpecFields {
  private final JsonNode node;
  private final String path;
  private final List<FieldError> errors;
  private final Set<String> known = new TreeSet<>();

  SpecFields(JsonNode node, String path, List<FieldError> errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  String path(String field) {
    return path.isEmpty() ? shorten(field) : path + "." + shorten(field);
  }

  private static final int SHOWN = 60;

  /** The longest text a parsed field (an activation, a preprocessing rule, ...) may have. */
  static final int MAX_PARSED_LENGTH = 1000;

  private boolean tooLong(String text, String where) {
    if (text.length() <= MAX_PARSED_LENGTH) {
      return false;
    }
    error(where, "is " + text.length() + " characters long; expected at most " + MAX_PARSED_LENGTH);
    return true;
  }

  /**
   * Submitted text as an error quotes it: at most {@value #SHOWN} characters, then how long it was,
   * so an error stays short whatever the spec holds.
   */
  static String shorten(String text) {
    if (text.length() <= SHOWN) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN;
    return text.substring(0, end) + "… (" + text.length() + " characters)";
  }

  void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  boolean has(String field) {
    known.add(field);
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  boolean isList(String field) {
    return has(field) && node.get(field).isArray();
  }

  /** A nested object, or null (with an error if required) when absent or not an object. */
  SpecFields object(String field, boolean required) {
    if (!has(field)) {
      if (required) {
        error(path(field), "is required (an object)");
      }
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isObject()) {
      error(path(field), "expected an object, got " + describe(v));
      return null;
    }
    return new SpecFields(v, path(field), errors);
  }

  String string(String field, String fallback, Set<String> allowed) {
    if (!has(field)) {
      if (fallback == null) {
        error(
            path(field),
            "is required" + (allowed.isEmpty() ? " (a string)" : ", one of " + allowed));
      }
      return fallback;
    }
    JsonNode v = node.get(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      error(path(field), "expected a non-empty string, got " + describe(v));
      return fallback;
    }
    String s = v.asText().trim();
    if (!allowed.isEmpty() && !allowed.contains(s.toLowerCase(Locale.ROOT))) {
      error(path(field), "'" + s + "' is not supported, expected one of " + allowed);
      return fallback;
    }
    return allowed.isEmpty() ? s : s.toLowerCase(Locale.ROOT);
  }

  /**
   * A string that {@code canonical} parses (throwing {@link IllegalArgumentException} with the
   * reason when it can't) and rewrites into its canonical form.
   */
  String parsed(String field, String fallback, Function<String, String> canonical) {
    String text = string(field, fallback, Set.of());
    if (text == null || text.equals(fallback)) {
      return text;
    }
    if (tooLong(text, path(field))) {
      return fallback;
    }
    try {
      return canonical.apply(text);
    } catch (IllegalArgumentException e) {
      error(path(field), e.getMessage());
      return fallback;
    }
  }

  boolean bool(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode v = node.get(field);
    if (!v.isBoolean()) {
      error(path(field), "expected true or false, got " + describe(v));
      return fallback;
    }
    return v.asBoolean();
  }

  /**
   * An integer; a missing required one (null fallback) is an error and reads as 0, so the caller
   * can finish building the spec before the errors are thrown.
   */
  int integer(String field, Integer fallback, IntPredicate valid, String expected) {
    int placeholder = fallback == null ? 0 : fallback;
    if (!has(field)) {
      if (fallback == null) {
        error(path(field), "is required (" + expected + ")");
      }
      return placeholder;
    }
    Integer value = asInt(node.get(field), path(field), valid, expected);
    return value == null ? placeholder : value;
  }

  /**
   * An integer that may be left out ({@code fallback}, which may be null), validated when given.
   */
  Integer optionalInteger(String field, Integer fallback, IntPredicate valid, String expected) {
    return has(field) ? asInt(node.get(field), path(field), valid, expected) : fallback;
  }

  double number(
      String field, double fallback, boolean required, DoublePredicate valid, String expected) {
    if (!has(field)) {
      if (required) {
        error(path(field), "is required (" + expected + ")");
      }
      return fallback;
    }
    Double value = asDouble(node.get(field), path(field), valid, expected);
    return value == null ? fallback : value;
  }

  /** A scalar or a list of integers: one axis of the grid. */
  List<Integer> intAxis(String field, List<Integer> fallback, IntPredicate valid, String expected) {
    return axis(field, fallback, expected, item -> asInt(item.node, item.path, valid, expected));
  }

  List<Double> numberAxis(
      String field, List<Double> fallback, DoublePredicate valid, String expected) {
    return axis(field, fallback, expected, item -> asDouble(item.node, item.path, valid, expected));
  }

  List<String> stringAxis(String field, List<String> fallback, Set<String> allowed) {
    String expected = "one of " + allowed;
    return axis(
        field,
        fallback,
        expected,
        item -> {
          String s =
              item.node.isTextual() ? item.node.asText().trim().toLowerCase(Locale.ROOT) : null;
          if (s == null || !allowed.contains(s)) {
            error(item.path, "expected " + expected + ", got " + describe(item.node));
            return null;
          }
          return s;
        });
  }

  /**
   * Strings each read by {@code parse}, which returns the canonical form or throws an {@link
   * IllegalArgumentException} whose message becomes the item's error.
   */
  List<String> parsedAxis(
      String field, List<String> fallback, String expected, Function<String, String> parse) {
    return axis(
        field,
        fallback,
        expected,
        item -> {
          if (!item.node.isTextual()) {
            error(item.path, "expected " + expected + ", got " + describe(item.node));
            return null;
          }
          if (tooLong(item.node.asText(), item.path)) {
            return null;
          }
          try {
            return parse.apply(item.node.asText());
          } catch (IllegalArgumentException e) {
            error(item.path, e.getMessage());
            return null;
          }
        });
  }

  List<Boolean> booleanAxis(String field, List<Boolean> fallback) {
    return axis(
        field,
        fallback,
        "true or false",
        item -> {
          if (!item.node.isBoolean()) {
            error(item.path, "expected true or false, got " + describe(item.node));
            return null;
          }
          return item.node.asBoolean();
        });
  }

  /** Training times: non-negative numbers or {@code inf}, kept as text (see TimeValues). */
  List<String> timeAxis(String field, List<String> fallback) {
    String expected = "a number >= 0 or inf";
    return axis(
        field,
        fallback,
        expected,
        item -> {
          JsonNode v = item.node;
          if (v.isTextual() && v.asText().trim().equalsIgnoreCase("inf")
              || v.isNumber() && Double.isInfinite(v.asDouble())) {
            return "inf";
          }
          if (v.isNumber() && v.asDouble() >= 0) {
            return Double.toString(v.asDouble());
          }
          error(item.path, "expected " + expected + ", got " + describe(v));
          return null;
        });
  }

  /**
   * One axis: a scalar or a list, each item read by {@code read} (null when it recorded an error).
   * Absent → the fallback, or an error when there is none. Repeated values count once.
   */
  private <T> List<T> axis(
      String field, List<T> fallback, String expected, Function<Item, T> read) {
    if (!has(field)) {
      if (fallback == null) {
        error(path(field), "is required (" + expected + ", or a list of them)");
      }
      return fallback;
    }
    List<T> out = new ArrayList<>();
    for (Item item : items(field, expected)) {
      T value = read.apply(item);
      if (value != null) {
        out.add(value);
      }
    }
    return out.stream().distinct().toList();
  }

  /**
   * Architectures as layer lists: one list of terms (YAML/JSON strings, e.g. {@code
   * [conv(filter=3), relu, flatten, dense]}), the same as one string with terms separated by {@code
   * >}, or a list of such lists (an axis of architectures). Each entry is the list's terms,
   * unparsed.
   */
  List<List<String>> layerLists(String field) {
    List<List<String>> out = new ArrayList<>();
    if (!has(field)) {
      return out;
    }
    JsonNode v = node.get(field);
    String expected =
        "a list of layer terms such as [conv(filter=3), relu, flatten, dense], one string with"
            + " terms separated by '>', or a list of such lists";
    if (v.isTextual()) {
      out.add(List.of(v.asText().split(">", -1)));
      return out;
    }
    if (!v.isArray() || v.isEmpty()) {
      error(path(field), "expected " + expected + ", got " + describe(v));
      return out;
    }
    boolean nested = v.get(0).isArray();
    List<JsonNode> lists = new ArrayList<>();
    if (nested) {
      v.forEach(lists::add);
    } else {
      lists.add(v);
    }
    for (int i = 0; i < lists.size(); i++) {
      JsonNode list = lists.get(i);
      String where = nested ? path(field) + "[" + i + "]" : path(field);
      if (!list.isArray() || list.isEmpty()) {
        error(where, "expected " + expected + ", got " + describe(list));
        continue;
      }
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < list.size(); j++) {
        JsonNode term = list.get(j);
        if (!term.isTextual() || term.asText().isBlank()) {
          error(
              where + "[" + j + "]",
              "expected a layer term such as relu or conv(filter=3), got " + describe(term));
        } else {
          terms.add(term.asText());
        }
      }
      if (terms.size() == list.size()) {
        out.add(terms);
      }
    }
    return out.stream().distinct().toList();
  }

  /** Reports fields this object has but nobody asked for: most often a typo. */
  void rejectUnknown() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        error(path(name), "unknown field; expected one of " + known);
      }
    }
  }

  private record Item(JsonNode node, String path) {}

  private List<Item> items(String field, String expected) {
    List<Item> out = new ArrayList<>();
    JsonNode v = node.get(field);
    if (v.isArray()) {
      if (v.isEmpty()) {
        error(path(field), "expected at least one value (" + expected + ")");
      }
      for (int i = 0; i < v.size(); i++) {
        out.add(new Item(v.get(i), path(field) + "[" + i + "]"));
      }
    } else {
      out.add(new Item(v, path(field)));
    }
    return out;
  }

  private Integer asInt(JsonNode v, String where, IntPredicate valid, String expected) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || !valid.test(v.asInt())) {
      error(where, "expected " + expected + ", got " + describe(v));
      return null;
    }
    return v.asInt();
  }

  private Double asDouble(JsonNode v, String where, DoublePredicate valid, String expected) {
    if (!v.isNumber() || !Double.isFinite(v.asDouble()) || !valid.test(v.asDouble())) {
      error(where, "expected " + expected + ", got " + describe(v));
      return null;
    }
    return v.asDouble();
  }

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nothing";
    }
    if (v.isTextual()) {
      return "'" + shorten(v.asText()) + "'";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.toString();
  }
}
