package dev.widescan.workers.compute;

import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetCatalog;
import dev.widescan.workers.data.Preprocess;
import dev.widescan.workers.unit.DatasetSpec;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets loaded once per JVM and shared by every unit that asks for the same subset; held softly
 * so the memory comes back under pressure.
 */
final class DatasetCache {
  private static final ConcurrentHashMap<String, SoftReference<Dataset>> LOADED =
      new ConcurrentHashMap<>();
  private final Optional<Path> dataDir;

  DatasetCache(Optional<Path> dataDir) {
    this.dataDir = dataDir;
  }

  Dataset get(DatasetSpec spec) {
    String key = dataDir.map(Path::toString).orElse("") + "|" + spec;
    SoftReference<Dataset> ref = LOADED.get(key);
    Dataset cached = ref == null ? null : ref.get();
    if (cached != null) {
      return cached;
    }
    synchronized (LOADED) {
      ref = LOADED.get(key);
      cached = ref == null ? null : ref.get();
      if (cached == null) {
        cached =
            DatasetCatalog.load(
                spec.name(),
                dataDir,
                spec.train(),
                spec.test(),
                Preprocess.parse(spec.preprocess()));
        LOADED.put(key, new SoftReference<>(cached));
      }
      return cached;
    }
  }
}
