package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A sweep as the API shows it: identity, derived status, unit counts, and on request its spec and
 * failures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepSummary(
    long id,
    String name,
    String status,
    @JsonProperty("submitted_by") String submittedBy,
    @JsonProperty("code_version") String codeVersion,
    @JsonProperty("created_at") OffsetDateTime createdAt,
    UnitCounts units,
    JsonNode spec,
    List<Failure> failures) {

  public record UnitCounts(
      long pending, long running, long done, long failed, long cancelled, long total) {

    /**
     * The sweep's status from its units: cancelled if cancelled; done when every unit is done;
     * failed when every unit finished and some failed; pending before any unit started; running
     * otherwise.
     */
    String status(boolean cancelled) {
      if (cancelled) {
        return "cancelled";
      }
      if (pending == 0 && running == 0) {
        return failed > 0 ? "failed" : "done";
      }
      if (running == 0 && done == 0 && failed == 0) {
        return "pending";
      }
      return "running";
    }
  }

  public record Failure(
      @JsonProperty("unit_id") long unitId, String kind, int attempts, String error) {}

  SweepSummary withDetails(JsonNode spec, List<Failure> failures) {
    return new SweepSummary(
        id, name, status, submittedBy, codeVersion, createdAt, units, spec, failures);
  }
}
