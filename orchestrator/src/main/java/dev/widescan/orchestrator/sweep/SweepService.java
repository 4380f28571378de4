package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.orchestrator.data.Datasets;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Submitting sweeps: validate, expand, store. Nothing is written for a spec that fails validation.
 */
@ApplicationScoped
public class SweepService {
  private final SweepStore store;
  private final Datasets datasets;
  private final String codeVersion;
  private final int tileSize;

  public SweepService(
      SweepStore store,
      Datasets datasets,
      WidescanConfig config,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
          String codeVersion) {
    this.store = store;
    this.datasets = datasets;
    this.codeVersion = codeVersion;
    this.tileSize = config.kernel().tileSize();
    if (tileSize < 1) {
      throw new IllegalArgumentException(
          "widescan.kernel.tile-size must be an integer >= 1, got " + tileSize);
    }
  }

  public SweepSummary submit(String body, boolean isJson, String submittedBy) throws SQLException {
    JsonNode submitted = SpecParser.readTree(body, isJson);
    SweepSpec spec = SpecParser.validate(submitted, tileSize);
    SweepExpander.requireFits(spec, datasets.imageShape(spec.dataset().name()));
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(spec, datasets::identity);
    long id = store.create(spec.name(), submitted, submittedBy, codeVersion, units);
    return store.find(id).orElseThrow();
  }

  /** Cancels the sweep and returns its new state, or empty if there is no such sweep. */
  public Optional<SweepSummary> cancel(long id) throws SQLException {
    return store.cancel(id) ? store.find(id) : Optional.empty();
  }

  public Optional<SweepSummary> resume(long id) throws SQLException {
    return store.resume(id) ? store.find(id) : Optional.empty();
  }

  public Optional<SweepSummary> retryFailed(long id) throws SQLException {
    if (store.find(id).isEmpty()) {
      return Optional.empty();
    }
    store.retryFailed(id);
    return store.find(id);
  }

  public List<SweepSummary> list() throws SQLException {
    return store.list();
  }

  public Optional<SweepSummary> find(long id) throws SQLException {
    return store.find(id);
  }

  public List<Map<String, Object>> curve(long unitId) throws SQLException {
    return store.curve(unitId);
  }

  public Optional<List<Map<String, Object>>> results(long id) throws SQLException {
    if (store.find(id).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(store.results(id));
  }
}
