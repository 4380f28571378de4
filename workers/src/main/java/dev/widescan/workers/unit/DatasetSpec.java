package dev.widescan.workers.unit;

import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.data.Preprocessing;
import dev.widescan.workers.data.Subset;
import dev.widescan.workers.data.Targets;

/**
 * Which data a unit uses: {@code train} and {@code test} examples chosen by the subset rule,
 * preprocessed and encoded as named, and the content identity (a SHA-256 over the files read and
 * these settings) fixed when the sweep was submitted. The identity is part of the unit's content
 * hash, so a changed file never reuses a stale result.
 */
public record DatasetSpec(
    String name,
    int train,
    int test,
    String preprocess,
    String subset,
    String targets,
    String identity) {

  /** The data layer's request for these settings. */
  public DatasetRequest request() {
    return new DatasetRequest(
        name,
        train,
        test,
        Subset.parse(subset),
        Preprocessing.parse(preprocess),
        Targets.parse(targets));
  }
}
