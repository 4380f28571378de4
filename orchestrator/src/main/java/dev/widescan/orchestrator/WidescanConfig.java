package dev.widescan.orchestrator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** widescan's own settings; the datasource is configured the usual Quarkus way. */
@ConfigMapping(prefix = "widescan")
public interface WidescanConfig {

  Db db();

  Flink flink();

  Units units();

  Kernel kernel();

  Spec spec();

  /** Directory with the datasets' files; empty = /usr/share/datasets, then the bundled subset. */
  Optional<String> dataDir();

  /** Where predictions and other artifacts are written as Arrow IPC files. */
  @WithDefault("${user.home}/.widescan/artifacts")
  String artifactDir();

  /** A spec file to submit once at start-up (the demo), or empty. */
  Optional<String> demoSpec();

  /** The address users open, printed at start-up. */
  @WithDefault("http://localhost:${quarkus.http.port:8080}")
  String publicUrl();

  Http http();

  Auth auth();

  /** Which requests the HTTP service answers; see {@code RequestGuard}. */
  interface Http {
    /**
     * Host names (or {@code name:port}) besides the loopback ones that a request's {@code Host}
     * header may name: the names users type to reach this service when it listens beyond loopback.
     * A name without a port is allowed on any port (a proxy in front may listen on another).
     */
    Optional<List<String>> allowedHosts();
  }

  /** Authentication: none yet, so the service is meant for its own machine only. */
  interface Auth {
    /**
     * Allow {@code quarkus.http.host} to be a non-loopback address although the API has no
     * authentication: anyone who can reach the port can then submit, cancel and read every sweep.
     */
    @WithDefault("false")
    boolean insecureAllowRemote();
  }

  /**
   * Read at start-up by {@code EmbeddedPostgresConfigSourceFactory}; listed here to document them.
   */
  interface Db {
    Embedded embedded();

    interface Embedded {
      /** Data directory of the embedded PostgreSQL, kept across restarts. */
      @WithDefault("${user.home}/.widescan/postgres")
      String dir();

      /**
       * Where the PostgreSQL binaries are unpacked: owner-only, under the widescan directory (zonky
       * would use {@code /tmp/embedded-pg}, shared by every user of the machine).
       */
      @WithDefault("${user.home}/.widescan/postgres-bin")
      String binDir();

      /**
       * PostgreSQL's durable defaults (fsync, synchronous_commit, full_page_writes on). Only tests
       * turn this off, for speed: with fsync off an OS crash can corrupt the whole cluster.
       */
      @WithDefault("true")
      boolean durable();

      /** Its port; 0 picks a free one. */
      @WithDefault("0")
      int port();

      /** Start from an empty data directory (tests). */
      @WithDefault("false")
      boolean fresh();
    }
  }

  interface Flink {
    /**
     * {@code embedded} (a MiniCluster in this JVM), {@code remote} (a Flink cluster) or {@code
     * off}.
     */
    @WithDefault("embedded")
    String mode();

    /** Parallelism of the unit job: source readers and compute subtasks. */
    @WithDefault("2")
    int parallelism();

    /** JobManager host of a remote cluster. */
    @WithDefault("localhost")
    String jobmanagerHost();

    /** JobManager REST port of a remote cluster. */
    @WithDefault("8081")
    int jobmanagerPort();

    /** The shaded workers jar shipped to a remote cluster. */
    @WithDefault("workers/target/workers-job.jar")
    String jobJar();

    /**
     * The JDBC URL TaskManagers use to reach Postgres, when it differs from the orchestrator's own
     * (e.g. a container host name).
     */
    Optional<String> jdbcUrl();
  }

  interface Kernel {
    /**
     * Examples per side of a kernel tile: a kernel unit with more training examples is computed as
     * tile units, each O(tile-size²) in memory, and assembled; a spec's {@code kernel.tile_size}
     * overrides it.
     */
    @WithDefault("4096")
    int tileSize();
  }

  interface Spec {
    /** The largest spec body accepted, in bytes (a larger one is answered 413); at most 16 MiB. */
    @WithDefault("1048576")
    int maxBytes();
  }

  interface Units {
    /**
     * How long a claimed unit is held before another worker may claim it. A computing worker renews
     * it every third of this, so it bounds how long a dead worker's units wait, not how long a unit
     * may take.
     */
    @WithDefault("120")
    int leaseSeconds();

    /** How often idle sources ask Postgres for work. */
    @WithDefault("250")
    long pollMillis();

    /** Claimed but unfinished units per source reader. */
    @WithDefault("2")
    int maxInFlightPerReader();
  }
}
