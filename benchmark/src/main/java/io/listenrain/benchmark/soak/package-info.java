/**
 * The soak command ({@code ./listenrain soak}): ListenRain-gRPC and native traffic at high load in one JVM for a long
 * run, with a server restart and a connection kill every minute, accounting for every call (lost, duplicated,
 * misrouted, failed by kind) and watching heap after GC, file descriptors and threads. Not part of CI; see the
 * "Soak" section of docs/RELIABILITY.md.
 */
package io.listenrain.benchmark.soak;
