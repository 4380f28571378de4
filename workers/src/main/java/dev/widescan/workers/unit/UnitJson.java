package dev.widescan.workers.unit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one JSON form of unit parameters: snake_case keys in a canonical (sorted) order, so that
 * equal parameters always give equal text and thus an equal content hash.
 */
public final class UnitJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(
              com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .build();

  private UnitJson() {}

  public static String write(Object params) {
    try {
      return MAPPER.writeValueAsString(params);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "unit parameters can't be written as JSON: " + e.getMessage(), e);
    }
  }

  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "unit parameters are not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(),
          e);
    }
  }

  /** SHA-256 over the unit's kind and canonical parameters: the team-wide identity of a result. */
  public static String contentHash(UnitKind kind, Object params) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(kind.id().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(write(params).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
