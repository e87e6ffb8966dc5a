/**
 * ListenRain as a gRPC-Java transport: {@link io.listenrain.grpc.ListenRainChannelBuilder} and
 * {@link io.listenrain.grpc.ListenRainServerBuilder} (also reached through grpc's provider registry and the
 * {@code listenrain://} name resolver) run protoc-generated stubs over TCP, Unix sockets, in-process pipes or any
 * ListenRain channel, with gRPC's semantics and without HTTP/2. The wire is specified in docs/PROTOCOL.md. Everything
 * else in this package is package-private; this is the only module that imports {@code io.grpc.internal}.
 */
package io.listenrain.grpc;
