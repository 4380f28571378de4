package dev.widescan.workers.compute;

import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.unit.DatasetSpec;
import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets loaded once per JVM and shared by every unit with the same identity; held softly so the
 * memory comes back under pressure. A loaded dataset whose identity differs from the one the unit
 * was planned with (a file changed since submission) fails the unit instead of serving stale data.
 */
final class DatasetCache {
  private static final ConcurrentHashMap<String, SoftReference<LoadedDataset>> LOADED =
      new ConcurrentHashMap<>();
  private final DatasetRegistry registry;

  DatasetCache(DatasetRegistry registry) {
    this.registry = registry;
  }

  LoadedDataset get(DatasetSpec spec) {
    String key = spec.identity() + "|" + registry.directories();
    SoftReference<LoadedDataset> ref = LOADED.get(key);
    LoadedDataset cached = ref == null ? null : ref.get();
    if (cached != null) {
      return cached;
    }
    synchronized (LOADED) {
      ref = LOADED.get(key);
      cached = ref == null ? null : ref.get();
      if (cached == null) {
        cached = registry.load(spec.request());
        if (spec.identity() != null) {
          cached.requireIdentity(spec.identity());
        }
        LOADED.put(key, new SoftReference<>(cached));
      }
      return cached;
    }
  }
}
