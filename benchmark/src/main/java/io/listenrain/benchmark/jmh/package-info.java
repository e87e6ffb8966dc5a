/**
 * JMH microbenchmarks. The annotation processor ({@code jmh-generator-annprocess}, a provided dependency) generates
 * the harness classes and {@code META-INF/BenchmarkList} at compile time, so they run straight from the module's
 * classes:
 *
 * <pre>
 * mvn -q -o -pl benchmark -am package -DskipTests
 * java -cp benchmark/target/listenrain-benchmark-0.1.0-SNAPSHOT.jar:$(cat /tmp/bench-cp.txt) \
 *     org.openjdk.jmh.Main PacketCodecBenchmark -prof gc
 * </pre>
 *
 * One class per component measured, named {@code <Component>Benchmark}, each releasing every buffer it allocates so
 * that {@code -prof gc} reports the component's own allocation. The planned neighbours, one class each as their
 * components land: gRPC frame and metadata encoding in the bridge ({@code GrpcFrameBenchmark}), timer schedule and
 * cancel ({@code TimerBenchmark}), and state-machine lookup by message id ({@code StateMachinePoolBenchmark}).
 */
package io.listenrain.benchmark.jmh;
