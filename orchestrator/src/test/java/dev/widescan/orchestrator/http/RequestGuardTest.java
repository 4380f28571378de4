package dev.widescan.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.orchestrator.WidescanConfig;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which requests pass the guard, without a server: Host, Origin and Sec-Fetch-Site. */
class RequestGuardTest {
  private static final int PORT = 8080;

  private final RequestGuard guard = guard(List.of("widescan.lab", "proxy.lab:443"));

  @Test
  void answersLoopbackNamesOnItsOwnPort() {
    for (String host :
        List.of("localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST:8080")) {
      assertEquals(Optional.empty(), get(host), host);
    }
  }

  @Test
  void refusesAnotherNameOrPortSoRebindingADomainGetsNothing() {
    for (String host :
        List.of("evil.example:8080", "localhost:9999", "localhost", "127.0.0.1.evil:8080", "")) {
      Optional<String> refusal = get(host);
      assertTrue(refusal.isPresent(), host);
    }
    assertTrue(get("evil.example:8080").get().contains("Host 'evil.example:8080'"));
    assertTrue(get("evil.example:8080").get().contains("widescan.http.allowed-hosts"));
  }

  @Test
  void answersConfiguredHostsAndTheAddressTheRequestArrivedAt() {
    assertEquals(Optional.empty(), get("widescan.lab:8080"));
    assertEquals(Optional.empty(), get("widescan.lab"));
    assertTrue(get("proxy.lab:8443").isPresent(), "only the configured port of proxy.lab");
    assertEquals(
        Optional.empty(),
        guard.refusal("GET", "/", "proxy.lab:443", null, null, "127.0.0.1", PORT));
    assertEquals(
        Optional.empty(),
        guard.refusal("GET", "/", "192.0.2.2:8080", null, null, "192.0.2.2", PORT),
        "a user who typed the machine's address");
    assertTrue(
        guard.refusal("GET", "/", "192.0.2.3:8080", null, null, "192.0.2.2", PORT).isPresent());
  }

  @Test
  void letsClientsWithoutOriginChangeState() {
    assertEquals(Optional.empty(), post("localhost:8080", null, null), "curl, the CLI");
    assertEquals(
        Optional.empty(),
        post("localhost:8080", "http://localhost:8080", "same-origin"),
        "the dashboard");
  }

  @Test
  void refusesStateChangesFromAnotherOrigin() {
    Optional<String> sameSite = post("127.0.0.1:8080", "http://127.0.0.1:41234", "same-site");
    assertTrue(sameSite.get().startsWith("cross-site request refused: POST /api/sweeps"));
    assertTrue(sameSite.get().contains("Sec-Fetch-Site: same-site"), sameSite.get());
    Optional<String> noFetchMetadata = post("127.0.0.1:8080", "http://127.0.0.1:41234", null);
    assertTrue(
        noFetchMetadata.get().startsWith("cross-origin request refused: POST /api/sweeps"),
        noFetchMetadata.get());
    assertTrue(noFetchMetadata.get().contains("http://127.0.0.1:41234"));
    assertTrue(post("localhost:8080", "null", null).isPresent(), "a sandboxed page");
    assertTrue(post("localhost:8080", "http://127.0.0.1:8080", null).isPresent());
    assertTrue(post("localhost:8080", null, "cross-site").isPresent());
    for (String method : List.of("PUT", "DELETE", "PATCH")) {
      assertTrue(
          guard
              .refusal(method, "/x", "localhost:8080", "http://evil.example", null, null, PORT)
              .isPresent(),
          method);
    }
    assertEquals(
        Optional.empty(),
        guard.refusal(
            "GET", "/", "localhost:8080", "http://evil.example", "cross-site", null, PORT),
        "reading is left to the browser's same-origin policy");
  }

  private Optional<String> get(String host) {
    return guard.refusal("GET", "/api/sweeps", host, null, null, "127.0.0.1", PORT);
  }

  private Optional<String> post(String host, String origin, String fetchSite) {
    return guard.refusal("POST", "/api/sweeps", host, origin, fetchSite, "127.0.0.1", PORT);
  }

  private static RequestGuard guard(List<String> allowedHosts) {
    WidescanConfig.Http http = () -> Optional.of(allowedHosts);
    WidescanConfig config =
        (WidescanConfig)
            Proxy.newProxyInstance(
                RequestGuardTest.class.getClassLoader(),
                new Class<?>[] {WidescanConfig.class},
                (proxy, method, args) -> method.getName().equals("http") ? http : null);
    return new RequestGuard(config);
  }
}
