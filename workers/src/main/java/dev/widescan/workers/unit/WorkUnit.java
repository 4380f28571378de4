package dev.widescan.workers.unit;

import java.io.Serializable;

/**
 * A claimed unit of work as it travels through the job: its database id, what it computes, the key
 * of the kernel it needs (units sharing one are routed to the same worker), its parameters as JSON,
 * and which attempt this is.
 */
public record WorkUnit(long id, UnitKind kind, String kernelKey, String paramsJson, int attempt)
    implements Serializable {}
