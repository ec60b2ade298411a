package io.etch.transport.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every peer pipeline: any exception or failed TLS handshake closes the connection
 * with one log line and is reported to {@code onError} (for counters); nothing propagates further,
 * nothing crashes. Anything that reaches it unread is released.
 */
public final class ConnectionGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final String name;
  private final Consumer<Throwable> onError;
  private boolean reported;

  public ConnectionGuard(String name, Consumer<Throwable> onError) {
    this.name = name;
    this.onError = onError;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      report(ctx, "TLS handshake failed", tls.cause());
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (!(root instanceof ClosedChannelException)) {
      // A write that raced a close (shutdown, peer gone) is no error worth a log line.
      report(ctx, "closing connection", root);
    }
    ctx.close();
  }

  /** Logs and counts the first error of this connection only. */
  private void report(ChannelHandlerContext ctx, String what, Throwable cause) {
    if (reported) {
      return;
    }
    reported = true;
    LOG.warn(
        "{}: {} {} -> {}: {}",
        name,
        what,
        ctx.channel().remoteAddress(),
        ctx.channel().localAddress(),
        String.valueOf(cause));
    onError.accept(cause);
  }
}
