/**
 * The connection engine, shared by the native client ({@code io.listenrain.client}), the native server
 * ({@code io.listenrain.server}) and grpc-bridge: {@link io.listenrain.transport.Connection} frames packets over a
 * {@link io.listenrain.channel.Channel} with a {@link io.listenrain.codec.PacketCodec}, queues them out through a
 * {@link io.listenrain.transport.PacketQueue} and hands inbound packets to a
 * {@link io.listenrain.transport.PacketHandler}.
 *
 * <p><b>Not user API</b>, except {@link io.listenrain.transport.PacketQueue} and
 * {@link io.listenrain.transport.PacketQueues}, which a {@link io.listenrain.config.ProtocolSpec} may name. The rest
 * is public only so the client, the server and grpc-bridge can use it; it may change in any release.
 *
 * <p>Floor: imports {@code channel}, {@code codec} and {@code errors} only.
 */
package io.listenrain.transport;
