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
    assertEquals("(body)", e.errors().get(0).field());
    assertTrue(e.errors().get(0).message().startsWith("is not valid YAML"));
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
}
