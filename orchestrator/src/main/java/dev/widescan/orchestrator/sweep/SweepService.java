package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.orchestrator.data.Datasets;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
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
  private final int maxSpecBytes;

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
    if (tileSize < 1 || tileSize > SpecParser.MAX_TILE_SIZE) {
      throw new IllegalArgumentException(
          "widescan.kernel.tile-size must be an integer in 1.."
              + SpecParser.MAX_TILE_SIZE
              + ", got "
              + tileSize);
    }
    this.maxSpecBytes = config.spec().maxBytes();
    if (maxSpecBytes < 1 || maxSpecBytes > SpecParser.MAX_BODY_CEILING) {
      throw new IllegalArgumentException(
          "widescan.spec.max-bytes must be an integer in 1.."
              + SpecParser.MAX_BODY_CEILING
              + ", got "
              + maxSpecBytes);
    }
  }

  /**
   * Submits a spec as it arrives over HTTP: at most widescan.spec.max-bytes of UTF-8 (413 beyond;
   * 400 for bytes that are not UTF-8).
   */
  public SweepSummary submit(InputStream body, boolean isJson, String submittedBy)
      throws SQLException, IOException {
    return submit(SpecBody.decode(SpecBody.read(body, maxSpecBytes)), isJson, submittedBy);
  }

  public SweepSummary submit(String body, boolean isJson, String submittedBy) throws SQLException {
    JsonNode submitted = SpecParser.readTree(body, isJson);
    SweepSpec spec = SpecParser.validate(submitted, tileSize);
    SweepExpander.requireFits(spec, datasets.imageShape(spec.dataset().name()));
    List<SweepExpander.PlannedUnit> units = SweepExpander.expand(spec, datasets::identity);
    long id = store.create(spec.name(), submitted, submittedBy, codeVersion, units);
    return store.find(id).orElseThrow();
  }

  /** Cancels the sweep's pending units, unless every unit has finished (see the outcome). */
  public SweepStore.Cancel cancel(long id) throws SQLException {
    return store.cancel(id);
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

  /** The unit's training curve, or empty when the sweep has no such unit. */
  public Optional<List<Map<String, Object>>> curve(long id, long unitId) throws SQLException {
    return store.curve(id, unitId);
  }

  public Optional<List<Map<String, Object>>> results(long id) throws SQLException {
    if (store.find(id).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(store.results(id));
  }
}
