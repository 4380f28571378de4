package dev.widescan.orchestrator.http;

import dev.widescan.orchestrator.WidescanConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The API has no authentication yet, so the service listens on loopback only (the default {@code
 * quarkus.http.host=127.0.0.1}); a non-loopback {@code quarkus.http.host} stops the start unless
 * {@code widescan.auth.insecure-allow-remote=true} says so, and then it warns.
 */
@ApplicationScoped
public class ListenAddressGuard {
  private static final Logger LOG = Logger.getLogger(ListenAddressGuard.class);

  private final String host;
  private final boolean allowRemote;

  public ListenAddressGuard(
      @ConfigProperty(name = "quarkus.http.host") String host, WidescanConfig config) {
    this.host = host;
    this.allowRemote = config.auth().insecureAllowRemote();
  }

  void check(@Observes @Priority(1) StartupEvent event) {
    check(host, allowRemote).ifPresent(LOG::warn);
  }

  /**
   * Whether the service may listen on {@code host}: nothing to say for a loopback address, a
   * warning for any other when {@code allowRemote}, else an {@link IllegalStateException} that says
   * what to set.
   */
  public static Optional<String> check(String host, boolean allowRemote) {
    if (isLoopback(host)) {
      return Optional.empty();
    }
    if (!allowRemote) {
      throw new IllegalStateException(
          "quarkus.http.host is '"
              + host
              + "', which is not a loopback address, and the widescan API has no authentication"
              + " yet: anyone who can reach the port could submit, cancel and read every sweep."
              + " Listen on 127.0.0.1 (the default), or set"
              + " widescan.auth.insecure-allow-remote=true to accept that on a trusted network.");
    }
    return Optional.of(
        "listening on "
            + host
            + " beyond loopback with widescan.auth.insecure-allow-remote=true: the API has no"
            + " authentication, so anyone who can reach this port can submit, cancel and read every"
            + " sweep");
  }

  /** True when every address {@code host} names is a loopback address ({@code 0.0.0.0} is not). */
  static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host.trim());
      return addresses.length > 0
          && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
