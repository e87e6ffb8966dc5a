/**
 * Channels: reliable, ordered byte streams and the ways to get them. {@link io.listenrain.channel.Channel} is the
 * SPI every transport runs over; {@link io.listenrain.channel.Channels} makes the kinds that ship (TCP and Unix
 * sockets on Netty epoll with an NIO fallback for TCP, in-process pipes, a stream adapter over any
 * InputStream/OutputStream pair, each optionally under TLS), and {@link io.listenrain.channel.ChannelGenerator} /
 * {@link io.listenrain.channel.Dialer} produce connected channels again and again (active/standby failover, backoff)
 * for a transport that reconnects. Listening is {@link io.listenrain.channel.ChannelAcceptor}.
 *
 * <p>Threads: a channel delivers reads and events on its own event loop; writes may come from any thread.
 */
package io.listenrain.channel;
