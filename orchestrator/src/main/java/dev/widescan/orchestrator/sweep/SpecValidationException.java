package dev.widescan.orchestrator.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A sweep spec that can't be run, with every field that is wrong: the first {@value #LISTED}, then
 * one entry that says how many more there are. Its HTTP status is 400, or 413 for a body that is
 * too large to read.
 */
public final class SpecValidationException extends RuntimeException {
  static final int LISTED = 50;

  private final List<FieldError> errors;
  private final int status;

  public SpecValidationException(List<FieldError> errors) {
    this(errors, 400);
  }

  private SpecValidationException(List<FieldError> errors, int status) {
    super(
        listed(errors).stream()
            .map(e -> e.field() + ": " + e.message())
            .collect(Collectors.joining("; ")));
    this.errors = listed(errors);
    this.status = status;
  }

  private static List<FieldError> listed(List<FieldError> errors) {
    if (errors.size() <= LISTED) {
      return List.copyOf(errors);
    }
    List<FieldError> listed = new ArrayList<>(errors.subList(0, LISTED));
    listed.add(
        new FieldError(
            "(more)",
            "and "
                + (errors.size() - LISTED)
                + " more errors not listed; fix these and submit again"));
    return List.copyOf(listed);
  }

  public static SpecValidationException of(String field, String message) {
    return new SpecValidationException(List.of(new FieldError(field, message)));
  }

  /** A body larger than the orchestrator reads: HTTP 413. */
  public static SpecValidationException tooLarge(String message) {
    return new SpecValidationException(List.of(new FieldError("(body)", message)), 413);
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** The HTTP status that answers it. */
  public int status() {
    return status;
  }
}
