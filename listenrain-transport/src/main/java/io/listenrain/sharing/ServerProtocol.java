package io.listenrain.sharing;

import io.listenrain.channel.Channel;
import io.netty.buffer.ByteBuf;

/**
 * A protocol that can serve accepted channels, and recognise its own connections by their first bytes, so that
 * several protocols share one listening port. The gRPC bridge is one; native request/response protocols are others.
 *
 * <p>A port-sharing listener reads the first bytes of each accepted channel, asks each protocol in turn whether the
 * bytes are its preface, and hands the channel to the first that says yes; a protocol whose
 * {@link #prefaceLength()} is 0 matches anything and serves as the fallback. The bytes read while deciding are not
 * lost: the channel passed to {@link #serve} delivers them again as its first read.
 */
public interface ServerProtocol {

  /** A short name for logs and errors. */
  String name();

  /**
   * How many leading bytes {@link #matchesPreface} needs to decide; 0 for a protocol without a preface, which then
   * matches every connection and must be registered last.
   */
  int prefaceLength();

  /**
   * Whether {@code firstBytes} (at least {@link #prefaceLength()} readable bytes) start this protocol's preface.
   * Uses absolute reads: must not move the reader index. Called on the channel's I/O thread.
   */
  boolean matchesPreface(ByteBuf firstBytes);

  /**
   * Whether {@code partial} (fewer than {@link #prefaceLength()} readable bytes) could still be the start of this
   * protocol's preface. A port-sharing listener asks this so that it can rule a protocol out early and hand a short
   * first message (a small native request) to the fallback protocol instead of waiting for bytes that will never
   * come. Uses absolute reads. The default says yes, which is always safe but may delay the decision until
   * {@link #prefaceLength()} bytes have arrived; protocols with a fixed preface should compare the bytes they have.
   */
  default boolean couldMatchPreface(ByteBuf partial) {
    return true;
  }

  /**
   * Takes over an accepted, unstarted channel: the protocol starts it and owns it from now on. Called on the
   * channel's I/O thread.
   */
  void serve(Channel channel);
}
