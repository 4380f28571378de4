package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.sweep.FieldError;
import dev.widescan.orchestrator.sweep.SpecValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as JSON that say what was wrong and where, in the user's terms. */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  public record ErrorBody(String error, List<FieldError> errors) {}

  @ServerExceptionMapper
  public Response invalidSpec(SpecValidationException e) {
    return Response.status(e.status())
        .type(MediaType.APPLICATION_JSON)
        .entity(new ErrorBody("invalid sweep spec", e.errors()))
        .build();
  }

  @ServerExceptionMapper
  public Response webError(WebApplicationException e, HttpHeaders headers, UriInfo uri) {
    int status = e.getResponse().getStatus();
    String message = PublicText.withoutClassNames(e.getMessage() == null ? "" : e.getMessage());
    if (status == Response.Status.UNSUPPORTED_MEDIA_TYPE.getStatusCode()) {
      String type = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
      message =
          "Content-Type "
              + (type == null ? "(none)" : "'" + type + "'")
              + " is not accepted by /"
              + uri.getPath().replaceAll("^/+", "")
              + ": send a sweep spec as application/yaml (or application/x-yaml, text/yaml) or"
              + " application/json";
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message))
        .build();
  }

  /**
   * Anything else is the server's fault: the log has the details, the answer an id to find them.
   */
  @ServerExceptionMapper
  public Response unexpected(Exception e, UriInfo uri) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.errorf(e, "error %s answering /%s", id, uri.getPath().replaceAll("^/+", ""));
    return Response.status(Response.Status.INTERNAL_SERVER_ERROR)
        .type(MediaType.APPLICATION_JSON)
        .entity(
            Map.of(
                "error",
                "the server failed to answer this request (error "
                    + id
                    + "); its log has the details"))
        .build();
  }
}
