package dev.widescan.workers.data;

/**
 * A data set could not be loaded: a file is missing, truncated or not in the expected format, or
 * the source holds fewer examples than asked for. The message says which file or source, what was
 * found and what was expected.
 */
public class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
