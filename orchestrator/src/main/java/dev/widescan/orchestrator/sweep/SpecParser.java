package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.data.Preprocessing;
import dev.widescan.workers.data.Subset;
import dev.widescan.workers.data.Targets;
import dev.widescan.workers.finite.WeightDecay;
import dev.widescan.workers.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns a sweep spec (YAML or JSON) into a {@link SweepSpec}, or a {@link SpecValidationException}
 * listing every field that is missing or wrong and what was expected.
 */
public final class SpecParser {
  /** Nesting depth of a spec's objects and lists: a spec needs a handful. */
  static final int MAX_NESTING = 32;

  /** The most a spec body may hold, whatever the configured limit (YAML code points). */
  public static final int MAX_BODY_CEILING = 16 * 1024 * 1024;

  static final int MAX_NAME_LENGTH = 200;

  /**
   * The largest n whose n × n kernel fits one Java array (n² ≤ 2³¹ − 1 doubles): a kernel unit
   * assembles and solves the whole train × train kernel.
   */
  static final int MAX_KERNEL_TRAIN = 46_340;

  /**
   * The largest tile side whose NNGP and NTK blocks, as one Arrow IPC stream (16.25 bytes per entry
   * with the validity bitmaps), fit one byte array.
   */
  static final int MAX_TILE_SIZE = 11_400;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build();
  private static final ObjectMapper YAML = yamlMapper();
  private static final ObjectMapper JSON =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  static final int MAX_UNITS = 100_000;
  private static final String ACTIVATION_EXAMPLES =
      "an activation such as relu, erf, leaky_relu(alpha=0.1) or tanh(deg=50)";

  private SpecParser() {}

  private static ObjectMapper yamlMapper() {
    LoaderOptions loader = new LoaderOptions();
    loader.setAllowDuplicateKeys(false);
    loader.setMaxAliasesForCollections(10);
    loader.setNestingDepthLimit(MAX_NESTING);
    loader.setCodePointLimit(MAX_BODY_CEILING);
    return YAMLMapper.builder(
            YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(CONSTRAINTS).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /** Parses and validates YAML (a superset of JSON) unless the media type says JSON. */
  public static SweepSpec parse(String body, boolean json) {
    return validate(readTree(body, json));
  }

  /**
   * The spec's syntax tree, as submitted: one document, each key once, text without control
   * characters. A syntax error names the field where the parser stopped.
   */
  public static JsonNode readTree(String body, boolean json) {
    if (body == null || body.isBlank()) {
      throw SpecValidationException.of("(body)", "is empty; expected a sweep spec in YAML or JSON");
    }
    String format = json ? "JSON" : "YAML";
    ObjectMapper mapper = json ? JSON : YAML;
    JsonNode root;
    try (JsonParser parser = mapper.createParser(body)) {
      try {
        root = mapper.readTree(parser);
        if (parser.nextToken() != null) {
          JsonLocation at = parser.currentTokenLocation();
          throw SpecValidationException.of(
              "(body)",
              "goes on after the spec ends (line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + "); expected one "
                  + format
                  + (json ? " object" : " document"));
        }
      } catch (JacksonException e) {
        throw syntaxError(parser, e, format);
      }
    } catch (java.io.IOException e) {
      throw SpecValidationException.of("(body)", "can't be read: " + e.getMessage());
    }
    List<FieldError> errors = new ArrayList<>();
    checkText(root, "", errors);
    if (!errors.isEmpty()) {
      throw new SpecValidationException(errors);
    }
    return root;
  }

  private static SpecValidationException syntaxError(
      JsonParser parser, JacksonException e, String format) {
    String where = fieldPath(parser.getParsingContext());
    String reason = e.getOriginalMessage();
    JsonLocation at = e.getLocation();
    String line =
        at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    if (reason != null && reason.startsWith("Duplicate field")) {
      return SpecValidationException.of(
          where.isEmpty() ? "(body)" : where, "is given twice" + line + "; expected each key once");
    }
    if (reason != null && reason.startsWith("Malformed numeric value")) {
      return SpecValidationException.of(
          where.isEmpty() ? "(body)" : where,
          "is not a number widescan reads"
              + line
              + ": "
              + SpecFields.shorten(reason.substring("Malformed numeric value ".length()))
              + "; expected a finite number (or inf where a time is expected)");
    }
    if (reason != null && reason.contains("Document nesting depth")
        || reason != null && reason.contains("Nesting Depth exceeded")) {
      return SpecValidationException.of(
          where.isEmpty() ? "(body)" : where,
          "is nested too deeply" + line + "; expected at most " + MAX_NESTING + " levels");
    }
    return SpecValidationException.of(
        where.isEmpty() ? "(body)" : where,
        "is not valid " + format + line + ": " + SpecFields.shorten(firstLine(reason)));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }

  /** The path of the field a parser is in, as spec errors write it ({@code finite.width[1]}). */
  private static String fieldPath(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.add(0, "." + SpecFields.shorten(c.getCurrentName()));
      } else if (c.inArray()) {
        parts.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
      }
    }
    String path = String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  /**
   * Every key and string of the spec is stored: refuses control characters (PostgreSQL can't hold
   * U+0000, terminals act on the others) and unpaired surrogates, naming where they are.
   */
  private static void checkText(JsonNode node, String path, List<FieldError> errors) {
    if (node.isTextual()) {
      String problem = textProblem(node.asText());
      if (problem != null) {
        errors.add(new FieldError(path.isEmpty() ? "(body)" : path, problem));
      }
    } else if (node.isObject()) {
      var fields = node.fields();
      while (fields.hasNext()) {
        var field = fields.next();
        String child = (path.isEmpty() ? "" : path + ".") + SpecFields.shorten(field.getKey());
        String problem = textProblem(field.getKey());
        if (problem != null) {
          errors.add(new FieldError(child, "as a key " + problem));
        }
        checkText(field.getValue(), child, errors);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkText(node.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private static String textProblem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        return String.format(
            "contains the control character U+%04X at position %d; expected text without control"
                + " characters",
            (int) c, i);
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
        if (!paired) {
          return String.format(
              "contains an unpaired surrogate U+%04X at position %d; expected valid Unicode text",
              (int) c, i);
        }
        i++;
      }
    }
    return null;
  }

  /** A spec that is to be expanded as written: kernels are tiled only where it says so. */
  public static SweepSpec validate(JsonNode root) {
    return validate(root, null);
  }

  /**
   * @param defaultTileSize the kernel tile size where the spec gives none (the orchestrator's
   *     configuration), or null for none
   */
  public static SweepSpec validate(JsonNode root, Integer defaultTileSize) {
    List<FieldError> errors = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw SpecValidationException.of(
          "(body)", "expected an object with name, dataset, model, kernel and/or finite");
    }
    SpecFields top = new SpecFields(root, "", errors);
    String name = top.string("name", null, Set.of());
    if (name != null && name.length() > MAX_NAME_LENGTH) {
      errors.add(
          new FieldError(
              "name",
              "is " + name.length() + " characters long; expected at most " + MAX_NAME_LENGTH));
    }

    SweepSpec.Dataset dataset = null;
    SpecFields d = top.object("dataset", true);
    if (d != null) {
      dataset =
          new SweepSpec.Dataset(
              d.string("name", null, Set.of()),
              d.intAxis("train", null, v -> v >= 1, "an integer >= 1"),
              d.integer("test", null, v -> v >= 1, "an integer >= 1"),
              d.parsed("preprocess", "standardize", t -> Preprocessing.parse(t).id()),
              d.parsed("subset", "first", t -> Subset.parse(t).id()),
              d.parsed("targets", "centred", t -> Targets.parse(t).id()));
      d.rejectUnknown();
    }

    SweepSpec.Model model = null;
    SpecFields m = top.object("model", true);
    if (m != null) {
      model = model(m, errors);
      m.rejectUnknown();
    }

    Optional<SweepSpec.Finite> finite = Optional.empty();
    SpecFields f = top.object("finite", false);
    if (f != null) {
      finite =
          Optional.of(
              new SweepSpec.Finite(
                  f.intAxis("width", null, v -> v >= 1 && v <= 65_536, "an integer in 1..65536"),
                  f.stringAxis("parameterization", List.of("ntk"), Set.of("ntk", "standard")),
                  f.numberAxis("lr", null, v -> v > 0, "a number > 0"),
                  f.numberAxis("weight_decay", List.of(0.0), v -> v >= 0, "a number >= 0"),
                  f.stringAxis("loss", List.of("mse"), Set.of("mse", "cross_entropy")),
                  f.booleanAxis("centred", List.of(false)),
                  f.parsed("weight_decay_mode", "plain", t -> WeightDecay.parse(t).id()),
                  f.number("momentum", 0.0, false, v -> v >= 0 && v < 1, "a number in [0, 1)"),
                  f.integer(
                      "epochs",
                      f.has("steps") ? 0 : null,
                      v -> v >= 1 && v <= 100_000,
                      "an integer in 1..100000"),
                  f.integer("steps", 0, v -> v >= 1, "an integer >= 1"),
                  f.integer("batch_size", null, v -> v >= 1, "an integer >= 1"),
                  seeds(f),
                  f.integer(
                      "curve_every", 0, v -> v >= 0, "an integer >= 0 (steps; 0 = every epoch)"),
                  f.bool("ensemble", false)));
      if (finite.get().epochs() > 0 && finite.get().steps() > 0) {
        errors.add(new FieldError("finite.steps", "give epochs or steps, not both"));
      }
      if (finite.get().ensemble() && finite.get().seeds().size() < 2) {
        errors.add(new FieldError("finite.ensemble", "an ensemble needs at least 2 seeds"));
      }
      f.rejectUnknown();
    }
    if (model != null && !model.family().equals("fc")) {
      for (String section : List.of("finite", "empirical")) {
        if (top.has(section)) {
          errors.add(
              new FieldError(
                  section,
                  "finite and empirical networks are built for family fc only so far; model "
                      + (model.family().equals("layers") ? "layers" : "family " + model.family())
                      + " can have a kernel section only"));
        }
      }
    }
    Optional<SweepSpec.Kernel> kernel = Optional.empty();
    SpecFields k = top.object("kernel", false);
    if (k != null) {
      List<String> finiteParams =
          finite.map(SweepSpec.Finite::parameterization).orElse(List.of("ntk"));
      List<Integer> finiteWidths = finite.map(SweepSpec.Finite::width).orElse(null);
      List<String> parameterization =
          k.stringAxis("parameterization", finiteParams, Set.of("ntk", "standard"));
      List<Integer> widths =
          k.intAxis(
              "width",
              finiteWidths == null ? List.of() : finiteWidths,
              v -> v >= 1 && v <= 65_536,
              "an integer in 1..65536");
      if (parameterization.contains("standard") && widths.isEmpty()) {
        errors.add(
            new FieldError(
                "kernel.width",
                "the standard-parameterization NTK depends on the finite width: give kernel.width"
                    + " or a finite section with widths"));
      }
      kernel =
          Optional.of(
              new SweepSpec.Kernel(
                  k.stringAxis("kinds", List.of("nngp", "ntk"), Set.of("nngp", "ntk")),
                  k.numberAxis("diag_reg", List.of(1e-4), v -> v >= 0, "a number >= 0"),
                  k.timeAxis("t", List.of("inf")),
                  parameterization,
                  widths,
                  k.bool("variance", false),
                  k.optionalInteger(
                      "tile_size",
                      defaultTileSize,
                      v -> v >= 1,
                      "an integer >= 1 (examples per tile side)")));
      k.rejectUnknown();
    }
    Optional<SweepSpec.Empirical> empirical = Optional.empty();
    SpecFields e = top.object("empirical", false);
    if (e != null) {
      empirical =
          Optional.of(
              new SweepSpec.Empirical(
                  e.intAxis("width", null, v -> v >= 1 && v <= 65_536, "an integer in 1..65536"),
                  e.stringAxis(
                      "parameterization",
                      kernel.map(SweepSpec.Kernel::parameterization).orElse(List.of("ntk")),
                      Set.of("ntk", "standard")),
                  e.integer("samples", 16, v -> v >= 1 && v <= 100_000, "an integer in 1..100000"),
                  seeds(e)));
      e.rejectUnknown();
    }
    top.rejectUnknown();

    if (kernel.isEmpty() && finite.isEmpty() && empirical.isEmpty() && errors.isEmpty()) {
      errors.add(
          new FieldError(
              "kernel", "a sweep needs a kernel, finite or empirical section (or several)"));
    }
    if (dataset != null && (kernel.isPresent() || empirical.isPresent())) {
      checkKernelSizes(dataset, kernel.map(SweepSpec.Kernel::tileSize).orElse(null), errors);
    }
    if (!errors.isEmpty()) {
      throw new SpecValidationException(errors);
    }
    SweepSpec spec = new SweepSpec(name, dataset, model, kernel, finite, empirical);
    long units = SweepExpander.unitCount(spec);
    if (units > MAX_UNITS) {
      throw SpecValidationException.of(
          "(grid)",
          "expands into "
              + units
              + " units, more than the "
              + MAX_UNITS
              + " one sweep may hold; split it");
    }
    return spec;
  }

  private static final Set<String> CNN_ONLY = Set.of("readout", "filter", "padding");

  /**
   * The model section: a shorthand family ({@code fc}, {@code cnn}, {@code myrtle}) over its axes,
   * or explicit {@code layers}. Every architecture is built here, so a bad term or combination is
   * named by its field and layer position before anything is stored.
   */
  private static SweepSpec.Model model(SpecFields m, List<FieldError> errors) {
    boolean explicit = m.has("layers");
    if (explicit && m.has("family")) {
      m.error(m.path("family"), "give family (a shorthand) or layers, not both");
    }
    String family = explicit ? "layers" : m.string("family", "fc", Set.of("fc", "cnn", "myrtle"));
    if (family == null) {
      family = "fc";
    }
    for (String field : CNN_ONLY) {
      if (!family.equals("cnn") && m.has(field)) {
        m.error(m.path(field), "applies to family cnn only (here: " + family + ")");
      }
    }
    for (String field : List.of("activation", "depth")) {
      if (explicit && m.has(field)) {
        m.error(
            m.path(field), "is part of layers (each activation and layer is written in the list)");
      }
    }
    List<String> activation =
        explicit
            ? List.of()
            : m.parsedAxis("activation", null, ACTIVATION_EXAMPLES, a -> Activation.parse(a).id());
    List<Integer> depth =
        explicit
            ? List.of()
            : family.equals("myrtle")
                ? m.intAxis("depth", null, v -> v == 5 || v == 7 || v == 10, "5, 7 or 10")
                : m.intAxis("depth", null, v -> v >= 0 && v <= 100, "an integer in 0..100");
    List<Double> wStd = m.numberAxis("W_std", null, v -> v > 0, "a number > 0");
    List<Double> bStd = m.numberAxis("b_std", List.of(0.0), v -> v >= 0, "a number >= 0");
    boolean cnn = family.equals("cnn");
    List<String> readout =
        cnn ? m.stringAxis("readout", List.of("flatten"), Set.of("flatten", "gap")) : List.of();
    List<Integer> filter =
        cnn
            ? m.intAxis("filter", List.of(3), v -> v >= 1 && v <= 1024, "an integer in 1..1024")
            : List.of();
    List<String> padding =
        cnn
            ? m.stringAxis("padding", List.of("same"), Set.of("same", "valid", "circular"))
            : List.of();
    List<List<String>> layers = explicit ? m.layerLists("layers") : List.of();
    for (int i = 0; i < layers.size(); i++) {
      try {
        Architecture.parse(layers.get(i), 1.0, 0.0);
      } catch (IllegalArgumentException e) {
        String where = m.path("layers") + (layers.size() > 1 ? "[" + i + "]" : "");
        errors.add(new FieldError(where, e.getMessage()));
      }
    }
    return new SweepSpec.Model(
        family,
        activation == null ? List.of() : activation,
        depth == null ? List.of() : depth,
        wStd,
        bStd,
        readout == null ? List.of() : readout,
        filter == null ? List.of() : filter,
        padding == null ? List.of() : padding,
        layers);
  }

  /**
   * Refuses kernels that can't be computed: the kernel unit (and an empirical kernel) holds the
   * whole train × train kernel and the test × train block in single arrays, and a tile travels as
   * one Arrow stream in a byte array.
   */
  private static void checkKernelSizes(
      SweepSpec.Dataset dataset, Integer tileSize, List<FieldError> errors) {
    List<Integer> train = dataset.train();
    for (int i = 0; i < train.size(); i++) {
      String field = train.size() > 1 ? "dataset.train[" + i + "]" : "dataset.train";
      long n = train.get(i);
      if (n > MAX_KERNEL_TRAIN) {
        errors.add(
            new FieldError(
                field,
                "a kernel on "
                    + n
                    + " training examples can't be computed: its "
                    + n
                    + " × "
                    + n
                    + " kernel is assembled in one array; expected at most "
                    + MAX_KERNEL_TRAIN
                    + " with a kernel or empirical section"));
      } else if (n * dataset.test() > Integer.MAX_VALUE) {
        errors.add(
            new FieldError(
                "dataset.test",
                "the "
                    + dataset.test()
                    + " × "
                    + n
                    + " test × train kernel block is assembled in one array; expected test × train"
                    + " at most "
                    + Integer.MAX_VALUE));
      }
    }
    if (tileSize != null && tileSize > MAX_TILE_SIZE) {
      errors.add(
          new FieldError(
              "kernel.tile_size",
              "a tile of "
                  + tileSize
                  + " examples a side is written as one Arrow stream of 16 bytes per entry, more"
                  + " than one array holds; expected at most "
                  + MAX_TILE_SIZE));
    }
  }

  /** {@code seeds: 3} means seeds 0, 1, 2; a list names the seeds. */
  private static List<Integer> seeds(SpecFields f) {
    if (!f.has("seeds")) {
      return List.of(0);
    }
    if (f.isList("seeds")) {
      return f.intAxis("seeds", List.of(0), v -> v >= 0, "an integer >= 0");
    }
    Integer count =
        f.integer("seeds", 1, v -> v >= 1 && v <= 10_000, "a count in 1..10000 or a list of seeds");
    return java.util.stream.IntStream.range(0, count).boxed().toList();
  }
}
