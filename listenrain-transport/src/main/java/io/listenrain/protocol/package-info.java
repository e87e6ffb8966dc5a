/**
 * The user's entry points to the native API, on the top floor: a {@link io.listenrain.protocol.ProtocolRegisterTable}
 * holds many protocols, each a {@link io.listenrain.protocol.Protocol} with its own codecs, channel generator, queue,
 * executor and timeout; it sends ({@code send}, {@code syncSend}) through a pooled client transport and listens
 * through a native server. Protocols, including gRPC, can share one listening port (see
 * {@code io.listenrain.sharing}).
 */
package io.listenrain.protocol;
