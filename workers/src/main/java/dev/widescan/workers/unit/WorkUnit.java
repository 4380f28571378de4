package dev.widescan.workers.unit;

import java.io.Serializable;
import java.util.List;

/**
 * A claimed unit of work as it travels through the job: its database id, what it computes, the key
 * of the kernel it needs (units sharing one are routed to the same worker), its parameters as JSON,
 * which attempt this is, and the artifacts of the units it depends on, in the order it names them
 * (an ensemble's members' predictions, null for a member that left none, e.g. one that diverged; a
 * tiled kernel's tiles).
 */
public record WorkUnit(
    long id,
    UnitKind kind,
    String kernelKey,
    String paramsJson,
    int attempt,
    List<String> inputArtifacts)
    implements Serializable {

  public WorkUnit(long id, UnitKind kind, String kernelKey, String paramsJson, int attempt) {
    this(id, kind, kernelKey, paramsJson, attempt, List.of());
  }
}
