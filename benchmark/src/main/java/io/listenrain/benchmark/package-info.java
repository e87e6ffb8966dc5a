/** {@code ./listenrain bench}: ListenRain against grpc-java over Netty in one run. Not API. */
package io.listenrain.benchmark;
