package dev.widescan.workers.kernel;

/**
 * One layer of an infinite-width network in kernel space, as in neural-tangents' {@code stax}: it
 * maps the kernels of its inputs to the kernels of its outputs and never changes its argument.
 * Build layers with {@link Layers}.
 */
@FunctionalInterface
public interface Layer {

  /** The kernels after this layer, given the kernels before it. */
  KernelState apply(KernelState in);
}
