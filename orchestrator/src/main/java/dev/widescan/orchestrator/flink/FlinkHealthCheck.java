package dev.widescan.orchestrator.flink;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.flink.api.common.JobStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the unit job runs (or Flink is deliberately off). */
@Readiness
@ApplicationScoped
public class FlinkHealthCheck implements HealthCheck {
  private final FlinkRunner runner;

  public FlinkHealthCheck(FlinkRunner runner) {
    this.runner = runner;
  }

  @Override
  public HealthCheckResponse call() {
    var builder = HealthCheckResponse.named("flink").withData("mode", runner.mode());
    if ("off".equals(runner.mode())) {
      return builder.up().build();
    }
    JobStatus status = runner.jobStatus().orElse(null);
    builder.withData("job", status == null ? "none" : status.name());
    return status == JobStatus.RUNNING
            || status == JobStatus.CREATED
            || status == JobStatus.INITIALIZING
        ? builder.up().build()
        : builder.down().build();
  }
}
