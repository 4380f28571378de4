package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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

/**
 * Turns a sweep spec (YAML or JSON) into a {@link SweepSpec}, or a {@link SpecValidationException}
 * listing every field that is missing or wrong and what was expected.
 */
public final class SpecParser {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new JsonMapper();
  static final int MAX_UNITS = 100_000;
  private static final String ACTIVATION_EXAMPLES =
      "an activation such as relu, erf, leaky_relu(alpha=0.1) or tanh(deg=50)";

  private SpecParser() {}

  /** Parses and validates YAML (a superset of JSON) unless the media type says JSON. */
  public static SweepSpec parse(String body, boolean json) {
    return validate(readTree(body, json));
  }

  /** The spec's syntax tree, as submitted. */
  public static JsonNode readTree(String body, boolean json) {
    if (body == null || body.isBlank()) {
      throw SpecValidationException.of("(body)", "is empty; expected a sweep spec in YAML or JSON");
    }
    JsonNode root;
    try {
      root = (json ? JSON : YAML).readTree(body);
    } catch (JacksonException e) {
      throw SpecValidationException.of(
          "(body)", "is not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
    }
    return root;
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
