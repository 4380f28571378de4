package dev.widescan.orchestrator.sweep;

import java.util.List;
import java.util.stream.Collectors;

/** A sweep spec that can't be run, with every field that is wrong. */
public final class SpecValidationException extends RuntimeException {
  private final List<FieldError> errors;

  public SpecValidationException(List<FieldError> errors) {
    super(
        errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public static SpecValidationException of(String field, String message) {
    return new SpecValidationException(List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
