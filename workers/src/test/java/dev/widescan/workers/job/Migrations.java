package dev.widescan.workers.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The Flyway migrations of the top-level migrations/ folder, in the order Flyway applies them. */
final class Migrations {
  private Migrations() {}

  /** Every V{n}__*.sql file, by n as a number (V10 after V9, as Flyway orders them). */
  static List<Path> inOrder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../migrations"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
          .sorted(Comparator.comparingInt(Migrations::version))
          .toList();
    }
  }

  static int version(Path migration) {
    String name = migration.getFileName().toString();
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }
}
