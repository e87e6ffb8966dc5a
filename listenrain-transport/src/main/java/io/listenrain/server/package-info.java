/**
 * The native server: {@link io.listenrain.server.ServerTransports} listens for a protocol and hands each request to
 * a {@link io.listenrain.server.ServerRouter}, which answers through a {@link io.listenrain.server.ServerResponse}.
 * The implementation ({@code NativeServer}, one {@code ServerConnection} per accepted connection, the preface check,
 * the handshake/stall/idle watchdog) is package-private; {@link io.listenrain.server.Server} and
 * {@link io.listenrain.server.ServerStats} are what a user holds.
 *
 * <p>Floor: imports {@code config}, {@code transport}, {@code errors}, {@code internal}, {@code timer},
 * {@code channel} and {@code codec}; never {@code client}.
 */
package io.listenrain.server;
