package dev.widescan.orchestrator.flink;

import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.workers.job.JobSettings;
import dev.widescan.workers.job.UnitPipeline;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the unit job: in a long-lived MiniCluster inside this JVM (the default), or on a Flink
 * cluster. The job claims work from Postgres, so the orchestrator only has to keep it running;
 * submitting a sweep is a database write.
 */
@ApplicationScoped
public class FlinkRunner {
  private static final Logger LOG = Logger.getLogger(FlinkRunner.class);

  private final WidescanConfig config;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private MiniCluster miniCluster;
  private JobID jobId;
  private RestClusterClient<String> cluster;

  public FlinkRunner(
      WidescanConfig config,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> jdbcUser,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
    this.config = config;
    this.jdbcUrl = jdbcUrl;
    this.jdbcUser = jdbcUser.orElse(null);
    this.jdbcPassword = jdbcPassword.orElse(null);
  }

  void start(@Observes @Priority(100) StartupEvent event) throws Exception {
    switch (config.flink().mode()) {
      case "embedded" -> startEmbedded();
      case "remote" -> startRemote();
      case "off" ->
          LOG.info("Flink is off: sweeps are stored but no unit is computed by this orchestrator");
      default ->
          throw new IllegalArgumentException(
              "widescan.flink.mode is '"
                  + config.flink().mode()
                  + "'; expected embedded, remote or off");
    }
  }

  void stop(@Observes ShutdownEvent event) {
    try {
      if (miniCluster != null) {
        if (jobId != null) {
          miniCluster.cancelJob(jobId).get(30, TimeUnit.SECONDS);
          miniCluster.requestJobResult(jobId).get(30, TimeUnit.SECONDS);
        }
        miniCluster.closeAsync().get(30, TimeUnit.SECONDS);
      }
      if (cluster != null) {
        LOG.infof("leaving job %s running on the Flink cluster", jobId);
        cluster.close();
      }
    } catch (Exception e) {
      LOG.warn("Flink did not stop cleanly: " + e.getMessage());
    }
  }

  JobSettings settings() {
    return new JobSettings(
        config.flink().jdbcUrl().orElse(jdbcUrl),
        jdbcUser,
        jdbcPassword,
        config.units().leaseSeconds(),
        config.units().pollMillis(),
        config.units().maxInFlightPerReader(),
        false,
        config.dataDir().orElse(null),
        Path.of(config.artifactDir()).toAbsolutePath().toString());
  }

  private void startEmbedded() throws Exception {
    int parallelism = config.flink().parallelism();
    Configuration flinkConfig = new Configuration();
    flinkConfig.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
    miniCluster =
        new LoopbackMiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(LoopbackMiniCluster.loopbackOnly(flinkConfig))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .withRandomPorts()
                .build());
    miniCluster.start();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(jobConfiguration());
    env.setParallelism(parallelism);
    env.setBufferTimeout(10);
    UnitPipeline.build(env, settings());
    JobGraph jobGraph =
        env.getStreamGraph().getJobGraph(Thread.currentThread().getContextClassLoader());
    jobGraph.setClasspaths(List.of(emptyClasspathEntry()));
    jobId = miniCluster.submitJob(jobGraph).get(60, TimeUnit.SECONDS).getJobID();
    LOG.infof(
        "embedded Flink runs job %s (%s) at parallelism %d",
        UnitPipeline.JOB_NAME, jobId, parallelism);
  }

  private void startRemote() throws Exception {
    WidescanConfig.Flink f = config.flink();
    Path jar = Path.of(f.jobJar());
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "widescan.flink.job-jar points at "
              + jar.toAbsolutePath()
              + ", which does not exist; build it with mvn package");
    }
    Configuration clientConfig = new Configuration();
    clientConfig.set(RestOptions.ADDRESS, f.jobmanagerHost());
    clientConfig.set(RestOptions.PORT, f.jobmanagerPort());
    cluster = new RestClusterClient<>(clientConfig, "widescan");
    // One unit job per cluster is enough: every job claims from the same Postgres, so a second
    // orchestrator (or a restarted one) joins the running job instead of adding another.
    Optional<JobID> running =
        cluster.listJobs().get(60, TimeUnit.SECONDS).stream()
            .filter(j -> j.getJobName().equals(jobName()))
            .filter(j -> !j.getJobState().isTerminalState())
            .map(JobStatusMessage::getJobId)
            .findFirst();
    if (running.isPresent()) {
      jobId = running.get();
      LOG.infof(
          "job %s (%s) already runs on Flink at %s:%d; using it",
          jobName(), jobId, f.jobmanagerHost(), f.jobmanagerPort());
      return;
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            f.jobmanagerHost(), f.jobmanagerPort(), jobConfiguration(), jar.toString());
    env.setParallelism(f.parallelism());
    env.setBufferTimeout(10);
    UnitPipeline.build(env, settings());
    jobId = env.executeAsync(jobName()).getJobID();
    LOG.infof(
        "submitted job %s (%s) to Flink at %s:%d",
        jobName(), jobId, f.jobmanagerHost(), f.jobmanagerPort());
  }

  /**
   * The job's name carries the database it works for: orchestrators of the same database share one
   * job, those of different databases (or of an embedded database on a new port) get their own.
   */
  private String jobName() {
    return UnitPipeline.JOB_NAME + " " + settings().jdbcUrl().replaceAll("[?;].*$", "");
  }

  /**
   * The job must outlive a database restart or a bad deployment: Flink restarts it with growing
   * delays, forever. Units in flight are not lost; their leases expire and they are claimed again.
   */
  private static Configuration jobConfiguration() {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    c.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        Duration.ofSeconds(1));
    c.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
        Duration.ofMinutes(1));
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
    return c;
  }

  /**
   * With no job jar, Flink would load user code through the system class loader, which in a Quarkus
   * fast-jar sees only quarkus-run.jar. A classpath entry, even an empty directory, makes it build
   * the job's loader on the one that loaded Flink.
   */
  private static URL emptyClasspathEntry() throws IOException {
    Path dir = Files.createTempDirectory("widescan-flink-classpath");
    dir.toFile().deleteOnExit();
    return dir.toUri().toURL();
  }

  /** The unit job's state, or empty when no job runs from here. */
  public Optional<JobStatus> jobStatus() {
    try {
      if (miniCluster != null && jobId != null) {
        return Optional.of(miniCluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS));
      }
      if (cluster != null && jobId != null) {
        return Optional.of(cluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS));
      }
    } catch (Exception e) {
      return Optional.of(JobStatus.FAILED);
    }
    return Optional.empty();
  }

  /**
   * The embedded MiniCluster's REST address (loopback, no handlers), or empty when Flink is not
   * embedded.
   */
  public Optional<java.net.URI> embeddedRestAddress() throws Exception {
    return miniCluster == null
        ? Optional.empty()
        : Optional.of(miniCluster.getRestAddress().get(10, TimeUnit.SECONDS));
  }

  public String mode() {
    return config.flink().mode();
  }
}
