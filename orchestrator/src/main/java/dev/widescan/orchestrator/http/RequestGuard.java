package dev.widescan.orchestrator.http;

import dev.widescan.orchestrator.WidescanConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What keeps other web sites out of a service without authentication. Every request must name an
 * allowed {@code Host} (a loopback name or address, or the address it arrived at, on the service's
 * port, or one of {@code widescan.http.allowed-hosts}), which defeats DNS rebinding; and a request
 * that changes state (POST, PUT, DELETE, PATCH) sent by a browser must come from the service's own
 * pages: its {@code Origin}, when present, is the service's, and {@code Sec-Fetch-Site}, when
 * present, says {@code same-origin}. Clients that are not browsers (curl, the CLI) send neither
 * header and pass.
 */
@ApplicationScoped
public class RequestGuard {
  private static final Logger LOG = Logger.getLogger(RequestGuard.class);
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "DELETE", "PATCH");
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "[::1]");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final List<String> allowedHosts;

  public RequestGuard(WidescanConfig config) {
    this.allowedHosts =
        config.http().allowedHosts().orElse(List.of()).stream()
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .toList();
  }

  /** Runs before every route: the API, the dashboard's files and {@code /q/*}. */
  void register(@Observes Filters filters) {
    filters.register(this::filter, 1000);
  }

  private void filter(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    SocketAddress local = request.localAddress();
    Optional<String> refusal =
        refusal(
            request.method().name(),
            request.path(),
            host(request),
            request.getHeader("Origin"),
            request.getHeader("Sec-Fetch-Site"),
            local == null ? null : local.host(),
            local == null ? -1 : local.port());
    if (refusal.isEmpty()) {
      rc.next();
      return;
    }
    LOG.infof("refused %s %s: %s", request.method(), request.path(), refusal.get());
    rc.response()
        .setStatusCode(403)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", refusal.get()).encode());
  }

  /** The Host header of HTTP/1.1, or the {@code :authority} of HTTP/2 (the CLI's h2c upgrade). */
  private static String host(HttpServerRequest request) {
    String header = request.getHeader("Host");
    if (header != null || request.authority() == null) {
      return header;
    }
    HostAndPort a = request.authority();
    String host =
        a.host().contains(":") && !a.host().startsWith("[") ? "[" + a.host() + "]" : a.host();
    return a.port() >= 0 ? host + ":" + a.port() : host;
  }

  /**
   * Why a request is refused, or empty when it may pass.
   *
   * @param localHost the address the request arrived at
   * @param localPort the port the request arrived at: the service's port
   */
  Optional<String> refusal(
      String method,
      String path,
      String host,
      String origin,
      String fetchSite,
      String localHost,
      int localPort) {
    if (host == null || host.isBlank()) {
      return Optional.of("the request has no Host header; this service answers only named hosts");
    }
    Optional<Authority> authority = Authority.parse(host, 80);
    if (authority.isEmpty() || !allowedHost(authority.get(), localHost, localPort)) {
      return Optional.of(
          "Host '"
              + host
              + "' is not a name of this service; it answers to localhost, 127.0.0.1 and [::1] on"
              + " its port "
              + localPort
              + " and to the hosts in widescan.http.allowed-hosts (a request for another name can"
              + " come from a web page that re-pointed its own name at this machine)");
    }
    if (!STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    String action = method + " " + path;
    if (fetchSite != null
        && !fetchSite.equalsIgnoreCase("same-origin")
        && !fetchSite.equalsIgnoreCase("none")) {
      return Optional.of(
          "cross-site request refused: "
              + action
              + " was sent by a page of another site (Sec-Fetch-Site: "
              + fetchSite
              + "); sweeps are changed only from this service's own pages or by clients that are"
              + " not browsers, such as curl and the CLI");
    }
    if (origin != null && !sameOrigin(origin, host)) {
      return Optional.of(
          "cross-origin request refused: "
              + action
              + " was sent by a page of "
              + origin
              + ", not of this service (http://"
              + host
              + "); sweeps are changed only from this service's own pages or by clients that are"
              + " not browsers, such as curl and the CLI");
    }
    return Optional.empty();
  }

  private boolean allowedHost(Authority a, String localHost, int localPort) {
    boolean servicePort = a.port() == localPort;
    if (servicePort && (LOOPBACK_NAMES.contains(a.host()) || isLoopbackIpv4(a.host()))) {
      return true;
    }
    if (servicePort && localHost != null && sameAddress(a.host(), localHost)) {
      return true;
    }
    for (String allowed : allowedHosts) {
      Optional<Authority> entry = Authority.parse(allowed, -1);
      if (entry.isPresent()
          && entry.get().host().equals(a.host())
          && (entry.get().port() == -1 || entry.get().port() == a.port())) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameOrigin(String origin, String hostHeader) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme();
      if (scheme == null || uri.getRawAuthority() == null) {
        return false;
      }
      int defaultPort = scheme.equalsIgnoreCase("https") ? 443 : 80;
      Optional<Authority> o = Authority.parse(uri.getRawAuthority(), defaultPort);
      Optional<Authority> h = Authority.parse(hostHeader, defaultPort);
      return o.isPresent() && o.equals(h);
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean isLoopbackIpv4(String host) {
    return IPV4.matcher(host).matches() && host.startsWith("127.");
  }

  /** An IP literal naming the address the request arrived at; names are never resolved here. */
  private static boolean sameAddress(String host, String localHost) {
    boolean literal = IPV4.matcher(host).matches() || host.startsWith("[");
    if (!literal) {
      return false;
    }
    try {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return InetAddress.getByName(bare).equals(InetAddress.getByName(localHost));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A {@code host[:port]} as in a Host header, lower-cased; IPv6 literals keep their brackets. */
  record Authority(String host, int port) {
    static Optional<Authority> parse(String text, int defaultPort) {
      String s = text.trim().toLowerCase(Locale.ROOT);
      String host;
      String rest;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0) {
          return Optional.empty();
        }
        host = s.substring(0, close + 1);
        rest = s.substring(close + 1);
      } else {
        int colon = s.indexOf(':');
        if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
          return Optional.empty();
        }
        host = colon < 0 ? s : s.substring(0, colon);
        rest = colon < 0 ? "" : s.substring(colon);
      }
      if (host.isEmpty() || host.equals("[]")) {
        return Optional.empty();
      }
      if (rest.isEmpty()) {
        return Optional.of(new Authority(host, defaultPort));
      }
      if (!rest.startsWith(":") || !rest.substring(1).matches("\\d{1,5}")) {
        return Optional.empty();
      }
      return Optional.of(new Authority(host, Integer.parseInt(rest.substring(1))));
    }
  }
}
