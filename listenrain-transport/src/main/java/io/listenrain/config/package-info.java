/**
 * The configuration of one native protocol: {@link io.listenrain.config.ProtocolSpec} (codecs, channel generator,
 * queue, executors, timeouts, preface, client and server limits) and the value types it names,
 * {@link io.listenrain.config.TransportKey} (which remote a client transport talks to) and
 * {@link io.listenrain.config.ReconnectPolicy} (the client's backoff). Both the client and the server read it.
 *
 * <p>Floor: imports {@code channel}, {@code codec}, {@code exec}, {@code timer}, {@code state}, {@code errors} and
 * {@code transport} (for the packet queue); never {@code client} or {@code server}.
 */
package io.listenrain.config;
