package dev.widescan.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenAddressGuardTest {

  @Test
  void loopbackAddressesStartWithoutAWord() {
    for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.1.1"}) {
      assertEquals(Optional.empty(), ListenAddressGuard.check(host, false), host);
    }
  }

  @Test
  void refusesToListenOnEveryInterfaceWithoutTheFlagAndSaysWhatToSet() {
    for (String host : new String[] {"0.0.0.0", "::", "192.0.2.7"}) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> ListenAddressGuard.check(host, false));
      assertTrue(e.getMessage().contains("quarkus.http.host is '" + host + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("no authentication"), e.getMessage());
      assertTrue(
          e.getMessage().contains("widescan.auth.insecure-allow-remote=true"), e.getMessage());
    }
  }

  @Test
  void listensBeyondLoopbackWithTheFlagButWarns() {
    Optional<String> warning = ListenAddressGuard.check("0.0.0.0", true);
    assertTrue(warning.isPresent());
    assertTrue(warning.get().contains("no authentication"), warning.get());
  }
}
