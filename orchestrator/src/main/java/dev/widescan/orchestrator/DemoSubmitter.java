package dev.widescan.orchestrator;

import dev.widescan.orchestrator.sweep.SweepService;
import dev.widescan.orchestrator.sweep.SweepSummary;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The demo: with {@code widescan.demo-spec} set, submits that spec once at start-up, prints where
 * to watch it, and prints again when it has finished, with how long it took.
 */
@ApplicationScoped
public class DemoSubmitter {
  private static final Logger LOG = Logger.getLogger(DemoSubmitter.class);
  private final WidescanConfig config;
  private final SweepService sweeps;

  public DemoSubmitter(WidescanConfig config, SweepService sweeps) {
    this.config = config;
    this.sweeps = sweeps;
  }

  void submit(@Observes @Priority(200) StartupEvent event) throws Exception {
    Optional<String> specFile = config.demoSpec().filter(s -> !s.isBlank());
    if (specFile.isEmpty()) {
      LOG.infof("widescan dashboard: %s", config.publicUrl());
      return;
    }
    Path path = Path.of(specFile.get());
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "widescan.demo-spec names " + path.toAbsolutePath() + ", which is not a file");
    }
    String body = Files.readString(path);
    boolean json = path.getFileName().toString().endsWith(".json");
    long started = System.nanoTime();
    SweepSummary sweep = sweeps.submit(body, json, System.getProperty("user.name", "demo"));
    String url = config.publicUrl() + "/sweep.html?id=" + sweep.id();
    announce(
        "submitted sweep '"
            + sweep.name()
            + "' (id "
            + sweep.id()
            + ", "
            + sweep.units().total()
            + " units)\n"
            + "  dashboard:  "
            + config.publicUrl()
            + "\n"
            + "  this sweep: "
            + url);
    Thread watcher = new Thread(() -> watch(sweep.id(), started, url), "widescan-demo-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void watch(long id, long started, String url) {
    try {
      while (true) {
        Thread.sleep(1000);
        SweepSummary s = sweeps.find(id).orElseThrow();
        if (!s.status().equals("pending") && !s.status().equals("running")) {
          announce(
              String.format(
                  "sweep %d is %s after %.1f s (%d done, %d failed): %s",
                  id,
                  s.status(),
                  (System.nanoTime() - started) / 1e9,
                  s.units().done(),
                  s.units().failed(),
                  url));
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("stopped watching the demo sweep: " + e.getMessage());
    }
  }

  private static void announce(String message) {
    System.out.println("\n==> widescan demo: " + message + "\n");
    System.out.flush();
  }
}
