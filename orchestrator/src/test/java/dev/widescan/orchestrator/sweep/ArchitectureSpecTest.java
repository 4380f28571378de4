package dev.widescan.orchestrator.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.UnitJson;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The model section's architectures: shorthands, layer lists, and what does not fit the data. */
class ArchitectureSpecTest {
  private static final Function<dev.widescan.workers.data.DatasetRequest, String> IDENTITY =
      r -> "sha-of-" + r.name() + "-" + r.train();
  private static final ImageShape FASHION = new ImageShape(28, 28, 1);

  private static SweepSpec parse(String model) {
    return SpecParser.parse(
        "name: arch\ndataset: {name: fashion-mnist, train: 100, test: 50}\n"
            + "model: "
            + model
            + "\nkernel: {diag_reg: 0.001}\n",
        false);
  }

  private static List<String> architectures(SweepSpec spec) {
    return SweepExpander.expand(spec, IDENTITY).stream()
        .map(u -> UnitJson.read(u.paramsJson(), KernelUnitParams.class).architecture())
        .map(a -> a.architecture())
        .toList();
  }

  private static List<FieldError> errors(Runnable r) {
    return assertThrows(SpecValidationException.class, r::run).errors();
  }

  @Test
  void expandsTheCnnShorthandIntoItsLayerListOverEveryAxis() {
    SweepSpec spec =
        parse(
            "{family: cnn, activation: relu, depth: [1, 2], readout: [flatten, gap],"
                + " W_std: 1.4142135623730951, b_std: 0.1}");
    assertEquals(4, SweepExpander.unitCount(spec));
    assertEquals(
        List.of(
            "conv(filter=3)>relu>flatten>dense",
            "conv(filter=3)>relu>global_avg_pool>dense",
            "conv(filter=3)>relu>conv(filter=3)>relu>flatten>dense",
            "conv(filter=3)>relu>conv(filter=3)>relu>global_avg_pool>dense"),
        architectures(spec));
    SweepExpander.requireFits(spec, FASHION);
  }

  @Test
  void readsFilterAndPaddingAndLeavesDefaultsOutOfTheCanonicalForm() {
    SweepSpec spec =
        parse(
            "{family: cnn, activation: erf, depth: 1, filter: [3, 5], padding: [same, circular],"
                + " W_std: 1.5}");
    assertEquals(
        List.of(
            "conv(filter=3)>erf>flatten>dense",
            "conv(filter=3,padding=circular)>erf>flatten>dense",
            "conv(filter=5)>erf>flatten>dense",
            "conv(filter=5,padding=circular)>erf>flatten>dense"),
        architectures(spec));
  }

  @Test
  void expandsMyrtleAsNeuralTangentsDefinesIt() {
    SweepSpec spec =
        parse("{family: myrtle, activation: relu, depth: 5, W_std: 1.4142135623730951}");
    assertEquals(
        List.of(
            "conv(filter=3)>relu>conv(filter=3)>relu>avg_pool(window=2)>conv(filter=3)>relu"
                + ">avg_pool(window=2)>conv(filter=3)>relu>avg_pool(window=2)>avg_pool(window=2)"
                + ">avg_pool(window=2)>flatten>dense"),
        architectures(spec));
    SweepExpander.requireFits(spec, new ImageShape(32, 32, 3));
    // 28 -> 14 -> 7 -> 3 -> 1, and the last 2x2 window no longer fits.
    List<FieldError> e = errors(() -> SweepExpander.requireFits(spec, FASHION));
    assertEquals("model", e.get(0).field());
    assertTrue(
        e.get(0)
            .message()
            .contains(
                "layer 13 (avg_pool(window=2)): the pooling window 2 is larger than the 1x1 image"),
        e.get(0).message());
    assertEquals(
        "model.depth",
        errors(() -> parse("{family: myrtle, activation: relu, depth: 6, W_std: 1}"))
            .get(0)
            .field());
  }

  @Test
  void takesExplicitLayersAsAListOrAStringOrSeveral() {
    SweepSpec list =
        parse(
            "{layers: [\"conv(filter=3, padding=same)\", relu, avg_pool(window=2), \"conv(filter=3,"
                + " W_std=2)\", relu, global_avg_pool, dense], W_std: 1.5, b_std: 0.1}");
    String canonical =
        "conv(filter=3)>relu>avg_pool(window=2)>conv(filter=3,W_std=2)>relu>global_avg_pool>dense";
    assertEquals(List.of(canonical), architectures(list));
    SweepSpec string = parse("{layers: \"" + canonical + "\", W_std: 1.5, b_std: 0.1}");
    assertEquals(
        SweepExpander.expand(list, IDENTITY).get(0).contentHash(),
        SweepExpander.expand(string, IDENTITY).get(0).contentHash());
    SweepSpec several =
        parse("{layers: [[dense, relu, dense], [conv(filter=1), relu, flatten, dense]], W_std: 1}");
    assertEquals(
        List.of("dense>relu>dense", "conv(filter=1)>relu>flatten>dense"), architectures(several));
  }

  @Test
  void namesTheLayerThatIsWrongByItsPosition() {
    List<FieldError> readout =
        errors(() -> parse("{layers: [conv(filter=3), relu, flatten], W_std: 1}"));
    assertEquals("model.layers", readout.get(0).field());
    assertTrue(
        readout.get(0).message().contains("the last layer is the readout and must be dense"));

    List<FieldError> twice =
        errors(() -> parse("{layers: [conv(filter=3), flatten, relu, flatten, dense], W_std: 1}"));
    assertTrue(
        twice.get(0).message().startsWith("layer 4 (flatten): the image is already reduced"),
        twice.toString());

    List<FieldError> unknown =
        errors(() -> parse("{layers: [conv(filter=3), rleu, flatten, dense], W_std: 1}"));
    assertTrue(
        unknown.get(0).message().startsWith("layer 2 (rleu): unknown layer 'rleu'"),
        unknown.toString());

    List<FieldError> param =
        errors(() -> parse("{layers: [\"conv(filter=3, stride=2)\", flatten, dense], W_std: 1}"));
    assertTrue(param.get(0).message().contains("conv has no parameter 'stride'"), param.toString());

    List<FieldError> both =
        errors(() -> parse("{family: cnn, layers: [dense], depth: 2, W_std: 1}"));
    assertEquals(
        List.of("model.family", "model.depth"), both.stream().map(FieldError::field).toList());
  }

  @Test
  void refusesLayersThatDoNotFitTheData() {
    SweepSpec conv = parse("{layers: [conv(filter=3), relu, global_avg_pool, dense], W_std: 1}");
    List<FieldError> vectors = errors(() -> SweepExpander.requireFits(conv, null));
    assertTrue(
        vectors
            .get(0)
            .message()
            .startsWith("layer 1 (conv(filter=3)): the dataset has no image shape"),
        vectors.toString());
    SweepSpec pool = parse("{layers: [avg_pool(window=32), flatten, dense], W_std: 1}");
    assertTrue(
        errors(() -> SweepExpander.requireFits(pool, FASHION))
            .get(0)
            .message()
            .startsWith(
                "layer 1 (avg_pool(window=32)): the pooling window 32 is larger than the 28x28"));
    SweepSpec valid =
        parse("{layers: [\"conv(filter=30, padding=valid)\", flatten, dense], W_std: 1}");
    assertTrue(
        errors(() -> SweepExpander.requireFits(valid, FASHION))
            .get(0)
            .message()
            .contains("does not fit"));
  }

  @Test
  void keepsFiniteNetworksFullyConnectedForNow() {
    List<FieldError> e =
        errors(
            () ->
                SpecParser.parse(
                    "name: arch\ndataset: {name: fashion-mnist, train: 100, test: 50}\n"
                        + "model: {family: cnn, activation: relu, depth: 1, W_std: 1}\n"
                        + "finite: {width: 8, lr: 1, epochs: 1, batch_size: 10}\n",
                    false));
    assertEquals("finite", e.get(0).field());
    assertTrue(e.get(0).message().contains("family fc only"));
  }

  @Test
  void keepsFullyConnectedSpecsOnTheirFormerUnits() {
    SweepSpec fc = parse("{activation: relu, depth: 2, W_std: 1.5, b_std: 0.05}");
    KernelUnitParams p =
        UnitJson.read(
            SweepExpander.expand(fc, IDENTITY).get(0).paramsJson(), KernelUnitParams.class);
    assertEquals(null, p.architecture().layers());
    assertEquals("dense>relu>dense>relu>dense", p.architecture().architecture());
    assertTrue(!SweepExpander.expand(fc, IDENTITY).get(0).paramsJson().contains("layers"));
  }

  @Test
  void everyExampleSpecParsesAndFitsFashionMnist() throws java.io.IOException {
    List<java.nio.file.Path> examples;
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("../examples"))) {
      examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(examples.size() >= 3, examples.toString());
    for (java.nio.file.Path example : examples) {
      SweepSpec spec = SpecParser.parse(java.nio.file.Files.readString(example), false);
      assertEquals("fashion-mnist", spec.dataset().name(), example.toString());
      SweepExpander.requireFits(spec, FASHION);
      assertTrue(SweepExpander.expand(spec, IDENTITY).size() > 0, example.toString());
    }
  }
}
