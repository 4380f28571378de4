package dev.widescan.orchestrator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.orchestrator.WidescanConfig;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the API may say about the server: dataset and file names, no paths, no class names. */
class PublicTextTest {
  private final PublicText text =
      new PublicText(config("/srv/data:/usr/share/datasets", "/srv/art"));

  @Test
  void namesDatasetFilesRelativeToTheirDataDirectory() {
    assertEquals(
        "asked for 70000 training examples of fashion-mnist but fashion-mnist has only 60000",
        text.of(
            "asked for 70000 training examples of fashion-mnist but"
                + " /usr/share/datasets/fashion-mnist has only 60000"));
    assertEquals(
        "no data set 'x': looked for x, x; set WIDESCAN_DATA_PATH",
        text.of(
            "no data set 'x': looked for /srv/data/x, /usr/share/datasets/x; set WIDESCAN_DATA_PATH"));
  }

  @Test
  void dropsJavaClassNamesAndKeepsOnlyTheFileNameOfOtherPaths() {
    String said =
        text.of(
            "can't read /srv/data/cifar-10/data_batch_1.bin:"
                + " java.nio.file.AccessDeniedException: /srv/data/cifar-10/data_batch_1.bin");
    assertEquals("can't read cifar-10/data_batch_1.bin: cifar-10/data_batch_1.bin", said);
    assertEquals(
        "unit 3 failed: out of memory in kernel-tile.arrow",
        text.of(
            "unit 3 failed: java.lang.IllegalStateException: out of memory in /tmp/x/y/kernel-tile.arrow"));
    assertEquals(
        "Java heap space", PublicText.withoutClassNames("OutOfMemoryError: Java heap space"));
    assertEquals("unit-7-predictions.arrow", text.of("/srv/art/unit-7-predictions.arrow"));
  }

  @Test
  void leavesUrlsClasspathNamesAndFractionsAlone() {
    for (String s :
        new String[] {
          "classpath:datasets/fashion-mnist/",
          "see http://localhost:8080/api/sweeps/1",
          "error shrinking like 1/sqrt(width)",
          "train.arrow and test.arrow"
        }) {
      assertEquals(s, text.of(s));
    }
  }

  @Test
  void anUnexpectedErrorAnswersWithAnIdAndNoClassName() {
    UriInfo uri =
        (UriInfo)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {UriInfo.class},
                (p, m, a) -> m.getName().equals("getPath") ? "/api/sweeps" : null);
    Response r =
        new ErrorMappers()
            .unexpected(new SQLException("org.postgresql.util.PSQLException: gone"), uri);
    assertEquals(500, r.getStatus());
    String error = ((Map<?, ?>) r.getEntity()).get("error").toString();
    assertTrue(
        error.matches("the server failed to answer this request \\(error [0-9a-f]{8}\\);.*"),
        error);
    assertFalse(error.contains("Exception"), error);
  }

  private static WidescanConfig config(String dataDir, String artifactDir) {
    return (WidescanConfig)
        Proxy.newProxyInstance(
            PublicTextTest.class.getClassLoader(),
            new Class<?>[] {WidescanConfig.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "dataDir" -> Optional.of(dataDir);
                  case "artifactDir" -> artifactDir;
                  default -> null;
                });
  }
}
