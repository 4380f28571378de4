package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.WidescanConfig;
import dev.widescan.workers.data.DatasetRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side text in the user's terms: what the API answers names datasets by their name and
 * artifacts by their file name, never by where they lie on the server, and carries no Java class
 * names. The details stay in the server's log.
 */
@ApplicationScoped
public class PublicText {
  /** {@code java.nio.file.NoSuchFileException: } and the like, with the colon that follows. */
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b(?:[a-z_$][a-z0-9_$]*\\.)+[A-Z][A-Za-z0-9_$]*(?:\\$[A-Za-z0-9_$]+)*\\b(?::\\s*)?"
              + "|\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");

  /** An absolute path (two segments or more) that no URL or scheme (classpath:) precedes. */
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile("(?<![\\w.:/~])(?:/[^\\s/:,;'\"()\\[\\]<>]+){2,}/?");

  private final List<Root> roots;

  public PublicText(WidescanConfig config) {
    List<Root> r = new ArrayList<>();
    for (Path dir : DatasetRegistry.forPath(config.dataDir().orElse(null)).directories()) {
      r.add(new Root(absolute(dir), ""));
    }
    r.add(new Root(absolute(Path.of(config.artifactDir())), ""));
    r.add(new Root(absolute(Path.of(System.getProperty("user.home"))), "~/"));
    r.sort(Comparator.comparingInt((Root x) -> x.dir().length()).reversed());
    this.roots = List.copyOf(r);
  }

  /** The directories whose names are dropped from text, e.g. the data directories. */
  record Root(String dir, String replacement) {}

  /**
   * {@code text} without server paths (a data or artifact directory's prefix is dropped, leaving
   * the dataset's or artifact's own name; any other absolute path becomes its file name) and
   * without Java class names.
   */
  public String of(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Root root : roots) {
      out = out.replace(root.dir() + "/", root.replacement());
    }
    Matcher m = ABSOLUTE_PATH.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String path = m.group().replaceAll("/+$", "");
      m.appendReplacement(sb, Matcher.quoteReplacement(path.substring(path.lastIndexOf('/') + 1)));
    }
    m.appendTail(sb);
    return withoutClassNames(sb.toString());
  }

  /** {@code text} without Java class names such as {@code java.io.IOException: }. */
  public static String withoutClassNames(String text) {
    return text == null ? null : CLASS_NAME.matcher(text).replaceAll("").trim();
  }

  private static String absolute(Path p) {
    String s = p.toAbsolutePath().normalize().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
