package dev.widescan.workers.data;

import java.util.Locale;

/** The two parts of a data set: examples to fit on and examples to evaluate on. */
public enum Split {
  TRAIN,
  TEST;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
