package dev.widescan.workers.arch;

/**
 * The shape of one image example, channels last (NHWC without the N): an example's features are
 * laid out as {@code ((row · width) + column) · channels + channel}.
 */
public record ImageShape(int height, int width, int channels) {
  public ImageShape {
    if (height < 1 || width < 1 || channels < 1) {
      throw new IllegalArgumentException(
          "an image shape needs positive height, width and channels, got "
              + height
              + "x"
              + width
              + "x"
              + channels);
    }
  }

  /** height × width. */
  public int pixels() {
    return height * width;
  }

  /** height × width × channels: the length of a flattened example. */
  public int features() {
    return Math.multiplyExact(pixels(), channels);
  }

  /** The same spatial size with another channel count. */
  public ImageShape withChannels(int c) {
    return new ImageShape(height, width, c);
  }

  @Override
  public String toString() {
    return height + "x" + width + "x" + channels;
  }
}
