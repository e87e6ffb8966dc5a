/**
 * {@code ./listenrain attack}: the same hostile grpc-java client against a grpc-netty and a ListenRain server, each in
 * its own process. Not API.
 */
package io.listenrain.benchmark.attack;
