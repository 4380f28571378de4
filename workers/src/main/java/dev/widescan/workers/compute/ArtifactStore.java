package dev.widescan.workers.compute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where units read the artifacts (Arrow IPC predictions, kernel tiles) of the units they depend on,
 * by the name their result recorded; compute code reads no files itself.
 */
public interface ArtifactStore {

  /**
   * The artifact's bytes.
   *
   * @throws UncheckedIOException naming the artifact when it cannot be read
   */
  byte[] read(String artifact);

  /** Artifacts as files on a file system every worker sees (a shared volume on a cluster). */
  static ArtifactStore files() {
    return artifact -> {
      try {
        return Files.readAllBytes(Path.of(artifact));
      } catch (IOException e) {
        throw new UncheckedIOException("can't read artifact " + artifact, e);
      }
    };
  }
}
