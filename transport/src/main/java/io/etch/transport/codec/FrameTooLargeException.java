package io.etch.transport.codec;

import io.etch.transport.TransportException;

/** A frame longer than {@code maxFrameBytes}, announced or about to be sent. */
public final class FrameTooLargeException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final long frameBytes;
  private final int maxFrameBytes;

  public FrameTooLargeException(long frameBytes, int maxFrameBytes) {
    super("frame of " + frameBytes + " bytes exceeds maxFrameBytes " + maxFrameBytes);
    this.frameBytes = frameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }

  public long frameBytes() {
    return frameBytes;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }
}
