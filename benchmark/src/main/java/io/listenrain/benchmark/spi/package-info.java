/** What a benchmark contender implements: sessions, workloads, payloads. Not API. */
package io.listenrain.benchmark.spi;
