package dev.widescan.orchestrator.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A submitted spec's bytes as text: at most a configured number of bytes (HTTP 413 beyond), and
 * UTF-8 that decodes without a replacement character (400 naming the first bad byte otherwise).
 */
public final class SpecBody {
  private SpecBody() {}

  /** Reads at most {@code maxBytes} bytes of {@code in}; more is a 413 that says the limit. */
  public static byte[] read(InputStream in, int maxBytes) throws IOException {
    byte[] bytes = in.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw SpecValidationException.tooLarge(
          "is larger than "
              + size(maxBytes)
              + ", the most a spec may be (widescan.spec.max-bytes); expected a smaller spec, or"
              + " split the sweep");
    }
    return bytes;
  }

  /** The bytes as UTF-8 text; an invalid sequence is a 400 that says where it is. */
  public static String decode(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      throw SpecValidationException.of(
          "(body)",
          String.format(
              "is not valid UTF-8: byte 0x%02X at offset %d (line %d) starts no character;"
                  + " expected UTF-8 text",
              bytes[at] & 0xff, at, line(bytes, at)));
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  private static int line(byte[] bytes, int end) {
    int line = 1;
    for (int i = 0; i < end; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  static String size(int bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return (bytes / (1024 * 1024)) + " MiB (" + bytes + " bytes)";
    }
    return bytes + " bytes";
  }
}
