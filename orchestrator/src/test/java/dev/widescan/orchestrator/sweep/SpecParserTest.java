package dev.widescan.orchestrator.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.unit.KernelTile;
import dev.widescan.workers.unit.KernelTileUnitParams;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecParserTest {
  private static final java.util.function.Function<dev.widescan.workers.data.DatasetRequest, String>
      IDENTITY = r -> "sha-of-" + r.name() + "-" + r.train() + "-" + r.preprocessing().id();

  private static final String VALID =
      """
      name: small
      dataset: {name: fashion-mnist, train: [100, 200], test: 50}
      model: {activation: relu, depth: [1, 2], W_std: 1.5, b_std: 0.05}
      kernel: {diag_reg: [0.0001, 0.01], t: [10, inf]}
      finite: {width: [32, 64, 128], lr: 0.5, epochs: 3, batch_size: 50, seeds: 3}
      """;

  @Test
  void acceptsTheQuickstartExampleAsWritten() throws IOException {
    SweepSpec spec =
        SpecParser.parse(Files.readString(Path.of("../examples/quickstart.yaml")), false);
    assertEquals("quickstart", spec.name());
    assertEquals(List.of(1000), spec.dataset().train());
    assertEquals(1000, spec.dataset().test());
    assertEquals("standardize", spec.dataset().preprocess());
    assertEquals(List.of(1, 2), spec.model().depth());
    assertEquals(List.of(1.4142135623730951), spec.model().wStd());
    assertEquals(List.of("nngp", "ntk"), spec.kernel().orElseThrow().kinds());
    assertEquals(List.of("inf"), spec.kernel().orElseThrow().t());
    assertEquals(List.of(0, 1), spec.finite().orElseThrow().seeds());
    // 2 depths x (1 kernel unit + 2 widths x 2 seeds)
    assertEquals(10, SweepExpander.expand(spec, IDENTITY).size());
  }

  @Test
  void expandsEveryAxisAndGivesEqualParametersEqualHashes() {
    SweepSpec spec = SpecParser.parse(VALID, false);
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(spec, IDENTITY);
    // 2 train sizes x 2 depths x (1 kernel + 3 widths x 3 seeds)
    assertEquals(40, units.size());
    assertEquals(40, SweepExpander.unitCount(spec));
    assertEquals(40, units.stream().map(SweepExpander.PlannedUnit::contentHash).distinct().count());
    assertEquals(units, SweepExpander.expand(SpecParser.parse(VALID, false), IDENTITY));
    assertEquals(List.of(0, 1, 2), spec.finite().orElseThrow().seeds());
    assertEquals(List.of("10.0", "inf"), spec.kernel().orElseThrow().t());
  }

  @Test
  void readsJsonAsWellAsYaml() {
    String json =
        """
        {"name": "j", "dataset": {"name": "fashion-mnist", "train": 10, "test": 10},
         "model": {"activation": ["relu", "erf"], "depth": 1, "W_std": 1.0},
         "kernel": {}}
        """;
    SweepSpec spec = SpecParser.parse(json, true);
    assertEquals(List.of("relu", "erf"), spec.model().activation());
    assertEquals(List.of(1e-4), spec.kernel().orElseThrow().diagReg());
    assertEquals(2, SweepExpander.expand(spec, IDENTITY).size());
  }

  @Test
  void readsParameterizedActivationsInTheirCanonicalForms() {
    String spec =
        """
        name: activations
        dataset: {name: fashion-mnist, train: 10, test: 10}
        model:
          activation:
            - relu
            - leaky_relu(alpha=0.10)
            - ERF(c=0.3, a=2)
            - erf(a=1)
            - Leaky_Relu( alpha = 0.1 )
            - rbf(gamma=0.5)
          depth: 1
          W_std: 1.0
        kernel: {}
        """;
    SweepSpec parsed = SpecParser.parse(spec, false);
    assertEquals(
        List.of("relu", "leaky_relu(alpha=0.1)", "erf(a=2, c=0.3)", "erf", "rbf(gamma=0.5)"),
        parsed.model().activation());
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(parsed, IDENTITY);
    assertEquals(5, units.size());
    // Another spelling of the same activations plans the same units, hashes included.
    String respelled =
        spec.replace("leaky_relu(alpha=0.10)", "leaky_relu(alpha=1e-1)")
            .replace("ERF(c=0.3, a=2)", "erf(a=2.0, b=1, c=0.30)");
    assertEquals(units, SweepExpander.expand(SpecParser.parse(respelled, false), IDENTITY));
  }

  @Test
  void readsNumericalActivationsWithTheirQuadratureDegree() {
    String spec =
        """
        name: numerical
        dataset: {name: fashion-mnist, train: 10, test: 10}
        model:
          activation: [tanh, "tanh(deg=40)", "tanh(deg=25)", "elu(alpha=1, deg=60)", selu]
          depth: 1
          W_std: 1.0
        kernel: {}
        """;
    SweepSpec parsed = SpecParser.parse(spec, false);
    // deg enters the canonical form, and so the unit hashes, only when it changes the kernel.
    assertEquals(
        List.of("tanh", "tanh(deg=40)", "elu(deg=60)", "selu"), parsed.model().activation());
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(parsed, IDENTITY);
    assertEquals(4, units.stream().map(SweepExpander.PlannedUnit::contentHash).distinct().count());
  }

  @Test
  void rejectsAQuadratureDegreeOutsideItsRange() {
    String spec =
        """
        name: bad
        dataset: {name: fashion-mnist, train: 10, test: 10}
        model: {activation: [tanh, "tanh(deg=0)", "silu(deg=2.5)", "relu(deg=40)"], depth: 1, W_std: 1}
        kernel: {}
        """;
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec, false));
    assertEquals(
        List.of("model.activation[1]", "model.activation[2]", "model.activation[3]"),
        e.errors().stream().map(FieldError::field).toList());
    List<String> messages = e.errors().stream().map(FieldError::message).toList();
    assertTrue(
        messages
            .get(0)
            .contains(
                "deg of tanh must be a whole number from 1 to 200 (Gauss–Hermite nodes per"
                    + " dimension), got 0; expected tanh(deg=25)"),
        messages.get(0));
    assertTrue(messages.get(1).contains("got 2.5; expected silu(deg=25)"), messages.get(1));
    assertTrue(
        messages.get(2).contains("relu takes no parameters; expected relu"), messages.get(2));
  }

  @Test
  void namesAWrongActivationByItsPlaceWithTheParsersReason() {
    String spec =
        """
        name: bad
        dataset: {name: fashion-mnist, train: 10, test: 10}
        model: {activation: [relu, "leaky_relu(beta=1)", 3, softsign, leaky_relu], depth: 1, W_std: 1}
        kernel: {}
        """;
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec, false));
    assertEquals(
        List.of(
            "model.activation[1]",
            "model.activation[2]",
            "model.activation[3]",
            "model.activation[4]"),
        e.errors().stream().map(FieldError::field).toList());
    List<String> messages = e.errors().stream().map(FieldError::message).toList();
    assertTrue(
        messages.get(0).contains("leaky_relu has no parameter 'beta'; expected leaky_relu(alpha)"),
        messages.get(0));
    assertTrue(messages.get(1).endsWith("got 3"), messages.get(1));
    assertTrue(
        messages.get(2).startsWith("unknown activation 'softsign'; expected one of relu,")
            && messages.get(2).contains("erf(a=1, b=1, c=0)")
            && messages.get(2).contains("tanh(deg=25)"),
        messages.get(2));
    assertTrue(messages.get(3).contains("alpha has no default"), messages.get(3));

    SpecValidationException missing =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    "name: x\nmodel: {activation: [], depth: 1, W_std: 1}\nkernel: {}", false));
    assertTrue(
        missing.errors().stream()
            .anyMatch(
                f ->
                    f.field().equals("model.activation")
                        && f.message().startsWith("expected at least one value (an activation")),
        missing.errors().toString());
  }

  @Test
  void readsTrainingAndDataOptionsInTheirCanonicalForms() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: options
            dataset: {name: fashion-mnist, train: 100, test: 50, preprocess: "zca:eps=0.1",
                      subset: "stratified:seed=3", targets: one_hot}
            model: {activation: relu, depth: 1, W_std: 1.4}
            finite: {width: 64, lr: 1.0, epochs: 2, batch_size: 50, loss: [mse, cross_entropy],
                     centred: [false, true], weight_decay: 0.001, weight_decay_mode: ntk_equivalent,
                     curve_every: 5}
            """,
            false);
    assertEquals("zca:eps=0.1", spec.dataset().preprocess());
    assertEquals("stratified:seed=3", spec.dataset().subset());
    assertEquals("one-hot", spec.dataset().targets());
    SweepSpec.Finite f = spec.finite().orElseThrow();
    assertEquals(List.of("mse", "cross_entropy"), f.loss());
    assertEquals(List.of(false, true), f.centred());
    assertEquals("ntk_equivalent", f.weightDecayMode());
    assertEquals(5, f.curveEvery());
    assertEquals(4, SweepExpander.expand(spec, IDENTITY).size());
    assertTrue(
        SweepExpander.expand(spec, IDENTITY)
            .get(0)
            .paramsJson()
            .contains("sha-of-fashion-mnist-100-zca"));
  }

  @Test
  void standardParameterizationKernelsAreComputedPerFiniteWidth() {
    SweepSpec spec =
        SpecParser.parse(
            """
            name: params
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4}
            kernel: {}
            finite: {width: [64, 256], parameterization: [ntk, standard], lr: 1.0, epochs: 1,
                     batch_size: 50}
            """,
            false);
    List<SweepExpander.PlannedUnit> kernels =
        SweepExpander.expand(spec, IDENTITY).stream()
            .filter(u -> u.kind() == dev.widescan.workers.unit.UnitKind.KERNEL)
            .toList();
    // One width-independent NTK-parameterization kernel, one standard kernel per width.
    assertEquals(3, kernels.size());
    assertTrue(kernels.get(0).paramsJson().contains("\"parameterization\":\"ntk\""));
    assertTrue(kernels.get(0).paramsJson().contains("\"width\":null"));
    assertTrue(kernels.get(2).paramsJson().contains("\"parameterization\":\"standard\""));
    assertTrue(kernels.get(2).paramsJson().contains("\"width\":256"));

    SpecValidationException e =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    "name: x\ndataset: {name: fashion-mnist, train: 10, test: 10}\n"
                        + "model: {activation: relu, depth: 1, W_std: 1}\n"
                        + "kernel: {parameterization: standard}",
                    false));
    assertEquals("kernel.width", e.errors().get(0).field());
  }

  @Test
  void trainsForEpochsOrStepsButNotBoth() {
    String base =
        "name: s\ndataset: {name: fashion-mnist, train: 100, test: 10}\n"
            + "model: {activation: relu, depth: 1, W_std: 1}\n";
    SweepSpec.Finite f =
        SpecParser.parse(base + "finite: {width: 8, lr: 1, steps: 250, batch_size: 10}", false)
            .finite()
            .orElseThrow();
    assertEquals(250, f.steps());
    assertEquals(0, f.epochs());
    SpecValidationException both =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    base + "finite: {width: 8, lr: 1, steps: 250, epochs: 2, batch_size: 10}",
                    false));
    assertEquals("finite.steps", both.errors().get(0).field());
    SpecValidationException neither =
        assertThrows(
            SpecValidationException.class,
            () -> SpecParser.parse(base + "finite: {width: 8, lr: 1, batch_size: 10}", false));
    assertEquals("finite.epochs", neither.errors().get(0).field());
  }

  @Test
  void rejectsSweepWithoutDataset() {
    SpecValidationException e =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    "name: x\nmodel: {activation: relu, depth: 1, W_std: 1}\nkernel: {}", false));
    assertEquals(List.of(new FieldError("dataset", "is required (an object)")), e.errors());
  }

  @Test
  void namesEveryWrongFieldWithWhatWasExpected() {
    String spec =
        """
        name: bad
        dataset: {name: fashion-mnist, train: 0, test: 10, preprocess: whiten}
        model: {activation: softsign, depth: [1, -2], W_std: -1}
        finite: {width: [64, "wide"], lr: 0.5, epochs: 2, batch_size: 10, seed: 3}
        """;
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec, false));
    List<String> fields = e.errors().stream().map(FieldError::field).toList();
    assertEquals(
        List.of(
            "dataset.train",
            "dataset.preprocess",
            "model.activation",
            "model.depth[1]",
            "model.W_std",
            "finite.width[1]",
            "finite.seed"),
        fields);
    assertTrue(
        e.errors().get(0).message().contains("expected an integer >= 1, got 0"),
        e.errors().get(0).message());
    assertTrue(e.errors().get(1).message().contains("whiten"), e.errors().get(1).message());
    assertTrue(e.errors().get(5).message().contains("got 'wide'"), e.errors().get(5).message());
    assertTrue(
        e.errors().get(6).message().startsWith("unknown field"), e.errors().get(6).message());
  }

  @Test
  void rejectsSpecWithNeitherKernelNorFinite() {
    SpecValidationException e =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    "name: x\ndataset: {name: fashion-mnist, train: 10, test: 10}\nmodel: {activation: relu, depth: 1, W_std: 1}",
                    false));
    assertEquals("kernel", e.errors().get(0).field());
  }

  @Test
  void rejectsMalformedYamlWithTheParsersReason() {
    SpecValidationException e =
        assertThrows(
            SpecValidationException.class, () -> SpecParser.parse("name: [unclosed", false));
    // The parser stopped inside the list that name opened.
    assertEquals("name[0]", e.errors().get(0).field());
    assertTrue(e.errors().get(0).message().startsWith("is not valid YAML (line 1"));
  }

  private static final String TILED =
      """
      name: tiled
      dataset: {name: fashion-mnist, train: [300, 100], test: 100}
      model: {activation: relu, depth: 1, W_std: 1.4}
      kernel: {diag_reg: [0.0001], tile_size: 128}
      """;

  @Test
  void plansTileUnitsForAKernelOnMoreExamplesThanATileAndMakesItDependOnThem() {
    SweepSpec spec = SpecParser.parse(TILED, false);
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(spec, IDENTITY);
    // train 300 in tiles of 128: 3 row blocks, 6 tiles on and above the diagonal, and the 100
    // test rows against each of the 3 column blocks; train 100 fits in one tile.
    assertEquals(9 + 1 + 1, units.size());
    assertEquals(units.size(), SweepExpander.unitCount(spec));
    List<SweepExpander.PlannedUnit> tiles =
        units.stream().filter(u -> u.kind() == UnitKind.KERNEL_TILE).toList();
    assertEquals(9, tiles.size());
    SweepExpander.PlannedUnit tiled = units.get(9);
    assertEquals(UnitKind.KERNEL, tiled.kind());
    assertEquals(
        tiles.stream().map(SweepExpander.PlannedUnit::contentHash).toList(), tiled.dependsOn());
    assertTrue(tiled.paramsJson().contains("\"tile_size\":128"), tiled.paramsJson());
    KernelTileUnitParams last =
        UnitJson.read(tiles.get(8).paramsJson(), KernelTileUnitParams.class);
    assertEquals(new KernelTile(KernelTile.Block.TEST_TRAIN, 0, 100, 256, 300), last.tile());
    assertEquals(tiles.get(8).contentHash(), tiles.get(8).kernelKey(), "tiles spread over workers");
    SweepExpander.PlannedUnit whole = units.get(10);
    assertEquals(List.of(), whole.dependsOn());
    assertTrue(!whole.paramsJson().contains("tile_size"), whole.paramsJson());
  }

  @Test
  void theSpecsTileSizeOverridesTheConfiguredDefault() throws IOException {
    var tree = SpecParser.readTree(TILED, false);
    assertEquals(128, SpecParser.validate(tree, 4096).kernel().orElseThrow().tileSize());
    var untiled = SpecParser.readTree(TILED.replace(", tile_size: 128", ""), false);
    assertEquals(4096, SpecParser.validate(untiled, 4096).kernel().orElseThrow().tileSize());
    assertEquals(2, SweepExpander.expand(SpecParser.validate(untiled, 4096), IDENTITY).size());
    assertEquals(11, SweepExpander.expand(SpecParser.validate(untiled, 128), IDENTITY).size());
  }

  @Test
  void rejectsATileSizeThatIsNotAPositiveInteger() {
    for (String bad : List.of("0", "-3", "2.5", "big", "[64, 128]")) {
      SpecValidationException e =
          assertThrows(
              SpecValidationException.class,
              () -> SpecParser.parse(TILED.replace("tile_size: 128", "tile_size: " + bad), false));
      assertEquals(1, e.errors().size(), e.getMessage());
      assertEquals("kernel.tile_size", e.errors().get(0).field());
      assertTrue(
          e.errors()
              .get(0)
              .message()
              .startsWith("expected an integer >= 1 (examples per tile side), got "),
          e.errors().get(0).message());
    }
  }

  @Test
  void countsTileUnitsAgainstTheUnitLimit() {
    SpecValidationException e =
        assertThrows(
            SpecValidationException.class,
            () ->
                SpecParser.parse(
                    TILED
                        .replace("train: [300, 100]", "train: 1000")
                        .replace("tile_size: 128", "tile_size: 2"),
                    false));
    assertEquals("(grid)", e.errors().get(0).field());
    // 500 x 501 / 2 train tiles, 50 x 500 test tiles and the kernel unit.
    assertTrue(e.getMessage().contains("expands into 150251 units"), e.getMessage());
  }

  @Test
  void refusesGridsBeyondTheUnitLimit() {
    String spec =
        """
        name: huge
        dataset: {name: fashion-mnist, train: 10, test: 10}
        model: {activation: relu, depth: 1, W_std: 1}
        finite: {width: 64, lr: 0.5, epochs: 1, batch_size: 10, seeds: 10000, weight_decay: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
        """;
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec, false));
    assertEquals("(grid)", e.errors().get(0).field());
    assertTrue(e.getMessage().contains("110000 units"), e.getMessage());
  }

  private static FieldError onlyError(String spec, boolean json) {
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec, json));
    assertEquals(1, e.errors().size(), e.getMessage());
    return e.errors().get(0);
  }

  @Test
  void refusesANulCharacterInANameAndSaysWhere() {
    FieldError e = onlyError(VALID.replace("name: small", "name: \"sm\\0all\""), false);
    assertEquals("name", e.field());
    assertEquals(
        "contains the control character U+0000 at position 2; expected text without control"
            + " characters",
        e.message());
    FieldError key = onlyError("{\"na\\u0000me\": \"x\"}", true);
    assertTrue(
        key.message().startsWith("as a key contains the control character U+0000"), key.message());
  }

  @Test
  void refusesANameLongerThan200CharactersAndQuotesNoMoreThan60() {
    String longName = "n".repeat(1_000_000);
    FieldError e = onlyError(VALID.replace("name: small", "name: " + longName), false);
    assertEquals("name", e.field());
    assertEquals("is 1000000 characters long; expected at most 200", e.message());
    assertEquals(
        "small", SpecParser.parse(VALID.replace("name: small", "name: small"), false).name());
    SpecParser.parse(VALID.replace("name: small", "name: " + "n".repeat(200)), false);
    FieldError activation =
        onlyError(VALID.replace("activation: relu", "activation: " + "r".repeat(10_000)), false);
    assertEquals("model.activation", activation.field());
    assertEquals("is 10000 characters long; expected at most 1000", activation.message());
  }

  @Test
  void refusesDuplicateKeysInJsonAndYamlNamingTheKey() {
    FieldError json =
        onlyError(
            "{\"name\": \"a\", \"dataset\": {\"name\": \"fashion-mnist\", \"train\": 10,"
                + " \"train\": 20, \"test\": 5}}",
            true);
    assertEquals("dataset.train", json.field());
    assertTrue(json.message().startsWith("is given twice (line 1, column "), json.message());
    assertTrue(json.message().endsWith("; expected each key once"), json.message());
    FieldError yaml = onlyError(VALID + "name: again\n", false);
    assertEquals("name", yaml.field());
    assertTrue(yaml.message().startsWith("is given twice (line 6"), yaml.message());
  }

  @Test
  void refusesAnythingAfterTheSpecEnds() {
    String json =
        "{\"name\": \"j\", \"dataset\": {\"name\": \"fashion-mnist\", \"train\": 10, \"test\": 5},"
            + " \"model\": {\"activation\": \"relu\", \"depth\": 1, \"W_std\": 1},"
            + " \"kernel\": {}}";
    SpecParser.parse(json, true);
    FieldError trailing = onlyError(json + " {\"name\": \"k\"}", true);
    assertEquals("(body)", trailing.field());
    assertEquals(
        "goes on after the spec ends (line 1, column 148); expected one JSON object",
        trailing.message());
    FieldError garbage = onlyError(json + " garbage", true);
    assertEquals("(body)", garbage.field());
    FieldError document = onlyError(VALID + "---\nname: second\n", false);
    assertEquals("(body)", document.field());
    assertTrue(
        document.message().startsWith("goes on after the spec ends (line 7"), document.message());
    assertTrue(document.message().endsWith("expected one YAML document"), document.message());
  }

  @Test
  void blamesANotANumberOnItsFieldNotOnTheBody() {
    FieldError nan = onlyError(VALID.replace("W_std: 1.5", "W_std: .nan"), false);
    assertEquals("model.W_std", nan.field());
    assertTrue(nan.message().startsWith("is not a number widescan reads (line 3"), nan.message());
    assertTrue(nan.message().contains("'.nan'"), nan.message());
    FieldError inList =
        onlyError(VALID.replace("diag_reg: [0.0001, 0.01]", "diag_reg: [0.0001, .NaN]"), false);
    assertEquals("kernel.diag_reg[1]", inList.field());
  }

  @Test
  void boundsNestingAndAliases() {
    String deep = "[".repeat(40) + "]".repeat(40);
    FieldError yaml = onlyError("name: " + deep + "\n", false);
    assertTrue(yaml.message().startsWith("is nested too deeply"), yaml.message());
    FieldError json = onlyError("{\"name\": " + deep + "}", true);
    assertTrue(json.message().startsWith("is nested too deeply"), json.message());
    assertTrue(json.message().endsWith("expected at most 32 levels"), json.message());
  }

  @Test
  void blamesATrainingSetTooLargeForAKernelOnDatasetTrainWithTheLimit() {
    FieldError max = onlyError(VALID.replace("train: [100, 200]", "train: 2147483647"), false);
    assertEquals("dataset.train", max.field());
    assertEquals(
        "a kernel on 2147483647 training examples can't be computed: its 2147483647 × 2147483647"
            + " kernel is assembled in one array; expected at most 46340 with a kernel or"
            + " empirical section",
        max.message());
    var tree =
        SpecParser.readTree(VALID.replace("train: [100, 200]", "train: [100, 60000]"), false);
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.validate(tree, 4096));
    assertEquals(List.of("dataset.train[1]"), e.errors().stream().map(FieldError::field).toList());
    SpecParser.parse(VALID.replace("train: [100, 200]", "train: 46340"), false);
    // Without a kernel, finite networks on that many examples are the dataset's business.
    String finiteOnly = VALID.replace("kernel: {diag_reg: [0.0001, 0.01], t: [10, inf]}\n", "");
    SpecParser.parse(finiteOnly.replace("train: [100, 200]", "train: 60000"), false);
  }

  @Test
  void refusesATileLargerThanOneArrowStreamHolds() {
    FieldError e = onlyError(TILED.replace("tile_size: 128", "tile_size: 20000"), false);
    assertEquals("kernel.tile_size", e.field());
    assertTrue(e.message().endsWith("expected at most 11400"), e.message());
    SpecParser.parse(TILED.replace("tile_size: 128", "tile_size: 11400"), false);
  }

  @Test
  void listsTheFirst50ErrorsAndCountsTheRest() {
    StringBuilder spec = new StringBuilder(VALID);
    for (int i = 0; i < 20_000; i++) {
      spec.append("unknown_").append(i).append(": 1\n");
    }
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec.toString(), false));
    assertEquals(51, e.errors().size());
    assertEquals("unknown_0", e.errors().get(0).field());
    assertEquals(
        new FieldError("(more)", "and 19950 more errors not listed; fix these and submit again"),
        e.errors().get(50));
    assertTrue(e.getMessage().length() < 20_000, e.getMessage().length() + " characters");
  }
}
