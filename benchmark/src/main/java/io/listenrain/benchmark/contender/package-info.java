/** The contenders of the benchmark: each gRPC transport, the native API and a plain socket echo. Not API. */
package io.listenrain.benchmark.contender;
