package dev.widescan.workers.unit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.nn.Activation;
import java.io.Serializable;

/**
 * A unit's architecture. A fully-connected one ({@code layers} null) is {@code depth} hidden
 * Dense→activation layers and a Dense readout, as before layer lists existed, so its JSON and hence
 * its units' content hashes are unchanged. Any other is its canonical layer list ({@link
 * Architecture#canonical()}), with the model's W_std and b_std for the layers that give none;
 * {@code family}, {@code activation} and {@code depth} then describe the shorthand it came from
 * (for filters and charts). {@code width} is null for the infinite-width limit in NTK
 * parameterization, whose kernels do not depend on it.
 */
public record ArchitectureSpec(
    String family,
    String activation,
    int depth,
    double wStd,
    double bStd,
    String parameterization,
    Integer width,
    @JsonInclude(JsonInclude.Include.NON_NULL) String layers)
    implements Serializable {

  /** A fully-connected architecture. */
  public ArchitectureSpec(
      String family,
      String activation,
      int depth,
      double wStd,
      double bStd,
      String parameterization,
      Integer width) {
    this(family, activation, depth, wStd, bStd, parameterization, width, null);
  }

  /** The layer list: the canonical one, or the fully-connected network's. */
  @JsonIgnore
  public Architecture toArchitecture() {
    return layers == null
        ? Architecture.fc(depth, Activation.parse(activation), wStd, bStd)
        : Architecture.parse(layers, wStd, bStd);
  }

  /**
   * The canonical layer string, for results and filters: e.g. {@code dense>relu>dense} for a
   * depth-1 FC network, {@code conv(filter=3)>relu>global_avg_pool>dense} for CNN-GAP.
   */
  @JsonIgnore
  public String architecture() {
    return layers != null ? layers : toArchitecture().canonical();
  }

  /** Whether this is a fully-connected network (no spatial layer). */
  @JsonIgnore
  public boolean fullyConnected() {
    return layers == null || !toArchitecture().spatial();
  }
}
