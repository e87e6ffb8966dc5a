/** The benchmark's plan, cells, closed loops and resource probes. Not API. */
package io.listenrain.benchmark.harness;
