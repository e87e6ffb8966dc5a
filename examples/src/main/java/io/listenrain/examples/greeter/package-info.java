/** The greeter example: a generated-stub gRPC service and client over ListenRain. Not API. */
package io.listenrain.examples.greeter;
