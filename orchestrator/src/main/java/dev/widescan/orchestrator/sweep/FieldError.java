package dev.widescan.orchestrator.sweep;

/**
 * One thing wrong with a spec: the field's path (e.g. {@code finite.width[1]}) and what was
 * expected.
 */
public record FieldError(String field, String message) {}
