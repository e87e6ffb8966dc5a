/**
 * The exception types of the native transport: {@link io.listenrain.errors.TransportException} and its subtypes
 * (connection closed, transport closed, queue full, read timeout, call timeout, msgID in use). They sit on the
 * lowest floor, importing no other ListenRain package, so the engine, the state machines, the client and the server
 * can all throw and catch them without a package cycle.
 */
package io.listenrain.errors;
