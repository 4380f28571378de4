package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.sweep.SweepService;
import dev.widescan.orchestrator.sweep.SweepStore;
import dev.widescan.orchestrator.sweep.SweepSummary;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sweeps over HTTP: submit a spec, follow its progress, read its results. */
@Path("/api/sweeps")
@Produces(MediaType.APPLICATION_JSON)
public class SweepResource {
  private final SweepService sweeps;

  public SweepResource(SweepService sweeps) {
    this.sweeps = sweeps;
  }

  /**
   * Submits a sweep spec in YAML or JSON; answers 201 with the sweep, or 400 naming each wrong
   * field.
   */
  @POST
  @Consumes({
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    MediaType.APPLICATION_JSON,
    MediaType.TEXT_PLAIN
  })
  public Response submit(
      String body,
      @HeaderParam("Content-Type") String contentType,
      @HeaderParam("X-Widescan-User") String user)
      throws SQLException {
    boolean isJson = contentType != null && contentType.toLowerCase().contains("json");
    String submittedBy = user == null || user.isBlank() ? "anonymous" : user.trim();
    SweepSummary created = sweeps.submit(body, isJson, submittedBy);
    return Response.created(URI.create("/api/sweeps/" + created.id())).entity(created).build();
  }

  @GET
  public List<SweepSummary> list() throws SQLException {
    return sweeps.list();
  }

  @GET
  @Path("{id}")
  public SweepSummary get(@PathParam("id") long id) throws SQLException {
    return sweeps.find(id).orElseThrow(() -> new NotFoundException("no sweep with id " + id));
  }

  /**
   * One row per evaluated model; {@code ?format=csv} for CSV. Infinite t is written {@code inf}.
   */
  @GET
  @Path("{id}/results")
  @Produces({MediaType.APPLICATION_JSON, "text/csv"})
  public Response results(@PathParam("id") long id, @QueryParam("format") String format)
      throws SQLException {
    List<Map<String, Object>> rows =
        sweeps.results(id).orElseThrow(() -> new NotFoundException("no sweep with id " + id));
    if ("csv".equalsIgnoreCase(format)) {
      return Response.ok(Csv.write(SweepStore.RESULT_COLUMNS, rows), "text/csv")
          .header("Content-Disposition", "attachment; filename=\"sweep-" + id + "-results.csv\"")
          .build();
    }
    if (format != null && !format.isBlank() && !"json".equalsIgnoreCase(format)) {
      throw new jakarta.ws.rs.BadRequestException(
          "format '" + format + "' is not supported; expected json or csv");
    }
    return Response.ok(
            rows.stream().map(SweepResource::jsonSafe).toList(), MediaType.APPLICATION_JSON)
        .build();
  }

  private static Map<String, Object> jsonSafe(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.replaceAll(
        (k, v) -> v instanceof Double d && Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : v);
    return out;
  }
}
