package dev.widescan.orchestrator.data;

import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.orchestrator.sweep.SpecValidationException;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.data.DatasetException;
import dev.widescan.workers.data.DatasetInfo;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The datasets this orchestrator can see, through the same registry and search path the embedded
 * workers use ({@code widescan.data-dir}, else the defaults).
 */
@ApplicationScoped
public class Datasets {
  private final DatasetRegistry registry;

  public Datasets(WidescanConfig config) {
    this.registry = DatasetRegistry.forPath(config.dataDir().orElse(null));
  }

  public List<DatasetInfo> available() {
    return registry.available();
  }

  /**
   * The content identity of the data a request selects, checked against the files' headers: a
   * missing or corrupt file, or more examples than exist, is a 400 naming what was wrong.
   */
  public String identity(DatasetRequest request) {
    try {
      return registry.identity(request).hash();
    } catch (DatasetException | IllegalArgumentException e) {
      throw SpecValidationException.of("dataset", e.getMessage());
    }
  }

  /**
   * The image shape of a data set's examples (height × width × channels), or null for vectors or
   * when the data set cannot be read (which {@link #identity} then reports).
   */
  public ImageShape imageShape(String name) {
    try {
      return registry.imageShape(name);
    } catch (DatasetException | IllegalArgumentException e) {
      return null;
    }
  }

  public List<String> searchPath() {
    return registry.directories().stream().map(Object::toString).toList();
  }
}
