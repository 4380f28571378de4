package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.sweep.FieldError;
import dev.widescan.orchestrator.sweep.SpecValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as JSON that say what was wrong and where. */
public class ErrorMappers {

  public record ErrorBody(String error, List<FieldError> errors) {}

  @ServerExceptionMapper
  public Response invalidSpec(SpecValidationException e) {
    return Response.status(e.status())
        .type(MediaType.APPLICATION_JSON)
        .entity(new ErrorBody("invalid sweep spec", e.errors()))
        .build();
  }

  @ServerExceptionMapper
  public Response webError(WebApplicationException e) {
    return Response.status(e.getResponse().getStatus())
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", e.getMessage() == null ? "" : e.getMessage()))
        .build();
  }
}
