package dev.widescan.orchestrator.data;

import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.orchestrator.api.PublicText;
import dev.widescan.orchestrator.sweep.SpecValidationException;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.data.DatasetException;
import dev.widescan.workers.data.DatasetInfo;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.DatasetRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The datasets this orchestrator can see, through the same registry and search path the embedded
 * workers use ({@code widescan.data-dir}, else the defaults).
 */
@ApplicationScoped
public class Datasets {
  private static final Logger LOG = Logger.getLogger(Datasets.class);
  private final DatasetRegistry registry;
  private final PublicText publicText;

  public Datasets(WidescanConfig config, PublicText publicText) {
    this.registry = DatasetRegistry.forPath(config.dataDir().orElse(null));
    this.publicText = publicText;
  }

  /**
   * What the workers can read, as the API shows it: locations and problems name datasets and files,
   * not the server's directories.
   */
  public List<DatasetInfo> available() {
    return registry.available().stream()
        .map(
            d ->
                new DatasetInfo(
                    d.name(),
                    d.format(),
                    publicText.of(d.location()),
                    d.train(),
                    d.test(),
                    d.shape(),
                    d.classes(),
                    d.bytes(),
                    d.files(),
                    d.problem().map(publicText::of)))
        .toList();
  }

  /**
   * The content identity of the data a request selects, checked against the files' headers: a
   * missing or corrupt file, or more examples than exist, is a 400 naming what was wrong.
   */
  public String identity(DatasetRequest request) {
    try {
      return registry.identity(request).hash();
    } catch (DatasetException | IllegalArgumentException e) {
      LOG.infof("dataset %s refused: %s", request.name(), e.getMessage());
      throw SpecValidationException.of("dataset", publicText.of(e.getMessage()));
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
}
