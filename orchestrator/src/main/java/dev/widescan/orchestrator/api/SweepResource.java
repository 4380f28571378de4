package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.sweep.SpecValidationException;
import dev.widescan.orchestrator.sweep.SweepService;
import dev.widescan.orchestrator.sweep.SweepStore;
import dev.widescan.orchestrator.sweep.SweepSummary;
import jakarta.ws.rs.ClientErrorException;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sweeps over HTTP: submit a spec, follow its progress, read its results. */
@Path("/api/sweeps")
@Produces(MediaType.APPLICATION_JSON)
public class SweepResource {
  private static final int MAX_USER_LENGTH = 200;
  private final SweepService sweeps;
  private final PublicText publicText;

  public SweepResource(SweepService sweeps, PublicText publicText) {
    this.sweeps = sweeps;
    this.publicText = publicText;
  }

  /**
   * Submits a sweep spec in YAML or JSON; answers 201 with the sweep, or 400 naming each wrong
   * field.
   */
  @POST
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON})
  public Response submit(
      InputStream body,
      @HeaderParam("Content-Type") String contentType,
      @HeaderParam("X-Widescan-User") String user)
      throws SQLException, IOException {
    boolean isJson = contentType != null && contentType.toLowerCase().contains("json");
    String submittedBy = user == null || user.isBlank() ? "anonymous" : user.trim();
    if (submittedBy.length() > MAX_USER_LENGTH
        || submittedBy.chars().anyMatch(Character::isISOControl)) {
      throw SpecValidationException.of(
          "X-Widescan-User",
          "expected a user name of at most "
              + MAX_USER_LENGTH
              + " characters without control characters");
    }
    SweepSummary created = publicView(sweeps.submit(body, isJson, submittedBy));
    return Response.created(URI.create("/api/sweeps/" + created.id())).entity(created).build();
  }

  @GET
  public List<SweepSummary> list() throws SQLException {
    return sweeps.list().stream().map(this::publicView).toList();
  }

  @GET
  @Path("{id}")
  public SweepSummary get(@PathParam("id") long id) throws SQLException {
    return sweeps.find(id).map(this::publicView).orElseThrow(() -> notFound(id));
  }

  /**
   * Cancels the sweep's pending units (those no other sweep needs); running units finish. A sweep
   * whose units have all finished is answered 409 and keeps its status.
   */
  @POST
  @Path("{id}/cancel")
  public SweepSummary cancel(@PathParam("id") long id) throws SQLException {
    SweepStore.Cancel outcome = sweeps.cancel(id);
    SweepSummary sweep = sweeps.find(id).orElseThrow(() -> notFound(id));
    if (outcome == SweepStore.Cancel.FINISHED) {
      throw new ClientErrorException(
          "sweep "
              + id
              + " is "
              + sweep.status()
              + ": every unit has finished, so there is nothing to cancel; it stays "
              + sweep.status(),
          Response.Status.CONFLICT);
    }
    return publicView(sweep);
  }

  /** Queues a cancelled sweep's units again. */
  @POST
  @Path("{id}/resume")
  public SweepSummary resume(@PathParam("id") long id) throws SQLException {
    return sweeps.resume(id).map(this::publicView).orElseThrow(() -> notFound(id));
  }

  /** Queues the sweep's failed units again, with a fresh attempt budget. */
  @POST
  @Path("{id}/retry")
  public SweepSummary retry(@PathParam("id") long id) throws SQLException {
    return sweeps.retryFailed(id).map(this::publicView).orElseThrow(() -> notFound(id));
  }

  /** A finite unit's training curve: loss and accuracy every few steps, with t = lr × step. */
  @GET
  @Path("{id}/units/{unitId}/curve")
  public List<Map<String, Object>> curve(@PathParam("id") long id, @PathParam("unitId") long unitId)
      throws SQLException {
    sweeps.find(id).orElseThrow(() -> notFound(id));
    return sweeps
        .curve(id, unitId)
        .orElseThrow(() -> new NotFoundException("sweep " + id + " has no unit " + unitId));
  }

  private static NotFoundException notFound(long id) {
    return new NotFoundException("no sweep with id " + id);
  }

  /**
   * One row per evaluated model: JSON by default, {@code ?format=csv} for CSV, {@code
   * ?format=arrow} for an Arrow IPC stream (pyarrow, pandas and polars read it directly). Infinite
   * t is written {@code inf} in JSON and CSV.
   */
  @GET
  @Path("{id}/results")
  @Produces({MediaType.APPLICATION_JSON, "text/csv", ResultsArrow.MEDIA_TYPE})
  public Response results(@PathParam("id") long id, @QueryParam("format") String format)
      throws SQLException {
    List<Map<String, Object>> rows =
        sweeps.results(id).orElseThrow(() -> notFound(id)).stream()
            .map(this::withPublicArtifact)
            .toList();
    if ("csv".equalsIgnoreCase(format)) {
      return Response.ok(Csv.write(SweepStore.RESULT_COLUMNS, rows), "text/csv")
          .header("Content-Disposition", "attachment; filename=\"sweep-" + id + "-results.csv\"")
          .build();
    }
    if ("arrow".equalsIgnoreCase(format)) {
      return Response.ok(
              ResultsArrow.write(SweepStore.RESULT_COLUMNS, rows), ResultsArrow.MEDIA_TYPE)
          .header("Content-Disposition", "attachment; filename=\"sweep-" + id + "-results.arrow\"")
          .build();
    }
    if (format != null && !format.isBlank() && !"json".equalsIgnoreCase(format)) {
      throw new jakarta.ws.rs.BadRequestException(
          "format '" + format + "' is not supported; expected json, csv or arrow");
    }
    return Response.ok(
            rows.stream().map(SweepResource::jsonSafe).toList(), MediaType.APPLICATION_JSON)
        .build();
  }

  /** Failure reasons as the user may read them: no server paths, no Java class names. */
  private SweepSummary publicView(SweepSummary s) {
    if (s.failures() == null) {
      return s;
    }
    return new SweepSummary(
        s.id(),
        s.name(),
        s.status(),
        s.submittedBy(),
        s.codeVersion(),
        s.createdAt(),
        s.units(),
        s.spec(),
        s.failures().stream()
            .map(
                f ->
                    new SweepSummary.Failure(
                        f.unitId(), f.kind(), f.attempts(), publicText.of(f.error())))
            .toList());
  }

  /** The artifact's file name in the artifact directory, not its path on the server. */
  private Map<String, Object> withPublicArtifact(Map<String, Object> row) {
    if (!(row.get("artifact") instanceof String artifact)) {
      return row;
    }
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.put("artifact", publicText.of(artifact));
    return out;
  }

  private static Map<String, Object> jsonSafe(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>(row);
    out.replaceAll(
        (k, v) -> v instanceof Double d && Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : v);
    return out;
  }
}
