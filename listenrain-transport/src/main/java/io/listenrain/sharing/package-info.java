/**
 * Port sharing: several protocols (native ones, gRPC) served on one listening address, told apart by their first
 * bytes. {@link io.listenrain.sharing.ServerProtocol} is the SPI one protocol implements (its preface and what to do
 * with a connection that starts with it); {@link io.listenrain.protocol.ProtocolRegisterTable} and grpc-bridge's
 * server builder are the user's ways in.
 *
 * <p><b>{@link io.listenrain.sharing.PortSharingAcceptor} is not user API</b>: it is public only so the protocol
 * facade and grpc-bridge can listen with it, and may change in any release. The sniffer and the replaying channel are
 * package-private.
 *
 * <p>Floor: imports {@code channel}, {@code codec} and {@code errors} only.
 */
package io.listenrain.sharing;
