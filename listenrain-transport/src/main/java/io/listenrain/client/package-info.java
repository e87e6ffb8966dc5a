/**
 * The native client: {@link io.listenrain.client.Transport} sends calls to one
 * {@link io.listenrain.config.TransportKey} over one connection of the engine, correlates responses with their calls
 * by msgID, times them out and reconnects as the protocol's {@link io.listenrain.config.ReconnectPolicy} says.
 * {@link io.listenrain.client.TransportStats} is its snapshot of counters. The implementation
 * ({@code ClientTransport}, its call table and timer thread) is package-private.
 *
 * <p>Floor: imports {@code config}, {@code transport}, {@code state}, {@code timer}, {@code internal}, {@code errors},
 * {@code channel} and {@code codec}; never {@code server}.
 */
package io.listenrain.client;
