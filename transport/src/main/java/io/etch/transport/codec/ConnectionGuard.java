package io.etch.transport.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every peer pipeline: any exception closes the connection with one log line and is
 * reported to {@code onError} (for counters); nothing propagates further, nothing crashes. Anything
 * that reaches it unread is released.
 */
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final String name;
  private final Consumer<Throwable> onError;

  public ConnectionGuard(String name, Consumer<Throwable> onError) {
    this.name = name;
    this.onError = onError;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    io.netty.util.ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (ctx.channel().isOpen()) {
      LOG.warn(
          "{}: closing connection {} -> {}: {}",
          name,
          ctx.channel().remoteAddress(),
          ctx.channel().localAddress(),
          root.toString());
      onError.accept(root);
    }
    ctx.close();
  }
}
