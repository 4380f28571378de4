package dev.widescan.orchestrator.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the datasource URL, user and password of the embedded PostgreSQL when nobody configured
 * a database. The URL is read while Quarkus builds its runtime configuration, before any bean
 * exists, so the server starts here, lazily, on the first request for the URL. The low ordinal lets
 * any configured {@code quarkus.datasource.jdbc.url} win, in which case nothing is started.
 *
 * <p>Keys read: {@code widescan.db.embedded.dir} (default {@code ~/.widescan/postgres}) and {@code
 * widescan.db.embedded.port} (default 0: any free port) and {@code widescan.db.embedded.fresh}
 * (start from an empty directory, for tests).
 */
public final class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {
  static final String URL = "quarkus.datasource.jdbc.url";
  static final String USER = "quarkus.datasource.username";
  static final String PASSWORD = "quarkus.datasource.password";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue configured = context.getValue(URL);
    if (configured != null && configured.getValue() != null && !configured.getValue().isBlank()) {
      return List.of();
    }
    ConfigValue dir = context.getValue("widescan.db.embedded.dir");
    ConfigValue port = context.getValue("widescan.db.embedded.port");
    Path dataDir =
        dir == null || dir.getValue() == null || dir.getValue().isBlank()
            ? Path.of(System.getProperty("user.home"), ".widescan", "postgres")
            : Path.of(dir.getValue().replaceFirst("^~", System.getProperty("user.home")));
    int portNumber =
        port == null || port.getValue() == null ? 0 : Integer.parseInt(port.getValue());
    ConfigValue fresh = context.getValue("widescan.db.embedded.fresh");
    boolean wipe = fresh != null && "true".equalsIgnoreCase(fresh.getValue());
    return List.of(new LazySource(dataDir.toAbsolutePath(), portNumber, wipe));
  }

  private static final class LazySource implements ConfigSource {
    private final Path dataDir;
    private final int port;
    private final boolean fresh;

    LazySource(Path dataDir, int port, boolean fresh) {
      this.dataDir = dataDir;
      this.port = port;
      this.fresh = fresh;
    }

    @Override
    public Map<String, String> getProperties() {
      return Map.of();
    }

    /**
     * Empty on purpose: Quarkus' build enumerates property names and records their values as
     * runtime defaults, which would start a server during the build and bake its port into the jar.
     */
    @Override
    public Set<String> getPropertyNames() {
      return Set.of();
    }

    @Override
    public String getValue(String name) {
      return switch (name) {
        case URL -> EmbeddedPostgresServer.jdbcUrl(dataDir, port, fresh);
        case USER, PASSWORD -> "postgres";
        default -> null;
      };
    }

    @Override
    public int getOrdinal() {
      return 50;
    }

    @Override
    public String getName() {
      return "widescan-embedded-postgres";
    }
  }
}
