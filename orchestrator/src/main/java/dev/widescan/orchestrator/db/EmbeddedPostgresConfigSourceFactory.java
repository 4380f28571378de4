package dev.widescan.orchestrator.db;

import io.quarkus.runtime.ExecutionMode;
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
 * <p>Keys read: {@code widescan.db.embedded.dir} (default {@code ~/.widescan/postgres}), {@code
 * widescan.db.embedded.bin-dir} (default {@code ~/.widescan/postgres-bin}), {@code
 * widescan.db.embedded.port} (default 0: any free port), {@code widescan.db.embedded.fresh} (start
 * from an empty directory, for tests) and {@code widescan.db.embedded.durable} (default true; tests
 * turn it off for speed).
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
    String port = value(context, "widescan.db.embedded.port");
    String durable = value(context, "widescan.db.embedded.durable");
    return List.of(
        new LazySource(
            new EmbeddedDatabase.Settings(
                path(context, "widescan.db.embedded.dir", "postgres"),
                path(context, "widescan.db.embedded.bin-dir", "postgres-bin"),
                port == null ? 0 : Integer.parseInt(port.trim()),
                "true".equalsIgnoreCase(value(context, "widescan.db.embedded.fresh")),
                durable == null || !"false".equalsIgnoreCase(durable.trim()))));
  }

  private static String value(ConfigSourceContext context, String key) {
    ConfigValue v = context.getValue(key);
    return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
  }

  private static Path path(ConfigSourceContext context, String key, String defaultName) {
    String v = value(context, key);
    String home = System.getProperty("user.home");
    return v == null
        ? Path.of(home, ".widescan", defaultName)
        : Path.of(v.replaceFirst("^~", home)).toAbsolutePath();
  }

  private static final class LazySource implements ConfigSource {
    private final EmbeddedDatabase.Settings settings;

    LazySource(EmbeddedDatabase.Settings settings) {
      this.settings = settings;
    }

    @Override
    public Map<String, String> getProperties() {
      return Map.of();
    }

    /**
     * Empty while Quarkus builds the application: the build enumerates property names and records
     * their values as runtime defaults, which would start a server during the build and bake its
     * port and password into the jar. At run time the user and password must be listed: Quarkus
     * looks up the datasource's optional keys only among the names its sources list. The URL stays
     * unlisted: it is asked for by name.
     */
    @Override
    public Set<String> getPropertyNames() {
      return ExecutionMode.current() == ExecutionMode.UNSET ? Set.of() : Set.of(USER, PASSWORD);
    }

    @Override
    public String getValue(String name) {
      return switch (name) {
        case URL -> EmbeddedPostgresServer.jdbcUrl(settings);
        case USER -> EmbeddedDatabase.USER;
        case PASSWORD -> {
          EmbeddedPostgresServer.jdbcUrl(settings);
          yield EmbeddedPostgresServer.password();
        }
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
