package dev.widescan.orchestrator.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpecBodyTest {

  @Test
  void refusesBytesThatAreNotUtf8NamingTheFirstBadByte() {
    byte[] bytes = "name: caf\u00e9\nx: \u00ff".getBytes(StandardCharsets.UTF_8);
    assertEquals("name: caf\u00e9\nx: \u00ff", SpecBody.decode(bytes));
    byte[] latin1 = "name: ok\nname2: caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    SpecValidationException e =
        assertThrows(SpecValidationException.class, () -> SpecBody.decode(latin1));
    assertEquals("(body)", e.errors().get(0).field());
    assertEquals(
        "is not valid UTF-8: byte 0xE9 at offset 19 (line 2) starts no character;"
            + " expected UTF-8 text",
        e.errors().get(0).message());
    byte[] truncated = {'a', (byte) 0xE2, (byte) 0x82};
    assertThrows(SpecValidationException.class, () -> SpecBody.decode(truncated));
  }

  @Test
  void readsUpToTheLimitAndRefusesMoreWith413() throws IOException {
    byte[] mib = new byte[1024 * 1024];
    assertEquals(mib.length, SpecBody.read(new ByteArrayInputStream(mib), mib.length).length);
    SpecValidationException e =
        assertThrows(
            SpecValidationException.class,
            () -> SpecBody.read(new ByteArrayInputStream(new byte[mib.length + 1]), mib.length));
    assertEquals(413, e.status());
    assertEquals(
        "is larger than 1 MiB (1048576 bytes), the most a spec may be (widescan.spec.max-bytes);"
            + " expected a smaller spec, or split the sweep",
        e.errors().get(0).message());
  }
}
