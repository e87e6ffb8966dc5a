/**
 * The user's entry points to the native API: a {@link io.listenrain.protocol.ProtocolRegisterTable} holds many
 * protocols, each a {@link io.listenrain.protocol.Protocol} with its own codecs, channel generator, queue, executor
 * and timeout; it sends ({@code send}, {@code syncSend}) and listens. Protocols, including gRPC, can share one
 * listening port: {@link io.listenrain.protocol.PortSharingAcceptor} tells them apart by their first bytes.
 */
package io.listenrain.protocol;
