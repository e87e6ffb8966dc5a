/**
 * The connection engine and the native client and server built on it. {@link io.listenrain.transport.Connection}
 * frames packets over a channel and queues them out; the client side ({@link io.listenrain.transport.Transport},
 * {@link io.listenrain.transport.TransportKey}) sends calls and correlates responses by msgID, reconnecting as its
 * policy says; the server side ({@link io.listenrain.transport.Server}) answers them, policing each connection's
 * deadlines and budgets. {@link io.listenrain.transport.ProtocolSpec} is the configuration of one protocol.
 */
package io.listenrain.transport;
