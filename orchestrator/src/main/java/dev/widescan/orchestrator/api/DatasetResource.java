package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.data.Datasets;
import dev.widescan.workers.data.DatasetInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What data this orchestrator's workers can read, with sizes and shapes. */
@Path("/api/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
  private final Datasets datasets;

  public DatasetResource(Datasets datasets) {
    this.datasets = datasets;
  }

  /** The datasets; where they lie on the server is for its log and its administrator. */
  public record Listing(List<DatasetInfo> datasets) {}

  @GET
  public Listing list() {
    return new Listing(datasets.available());
  }
}
