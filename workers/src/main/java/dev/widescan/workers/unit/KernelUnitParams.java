package dev.widescan.workers.unit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything that determines a kernel unit's results; {@code variance} asks for the NNGP posterior
 * variance of every test point as well. Times are strings so that {@code "inf"} (the converged
 * gradient flow) survives JSON; see {@link TimeValues}.
 *
 * @param tileSize null when the unit computes its kernels whole; else the side of the {@link
 *     KernelTile#grid tiles} it assembles them from, which its dependencies computed (left out of
 *     the JSON when null, so units planned before tiling keep their content hash)
 */
public record KernelUnitParams(
    DatasetSpec dataset,
    ArchitectureSpec architecture,
    List<String> kinds,
    List<Double> diagReg,
    List<String> t,
    boolean variance,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer tileSize) {}
