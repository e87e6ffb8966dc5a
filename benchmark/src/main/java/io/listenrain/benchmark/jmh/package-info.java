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
 * that {@code -prof gc} reports the component's own allocation: {@code PacketCodecBenchmark},
 * {@code DeadlineTimerBenchmark}, {@code StateMachinePoolBenchmark}, {@code ProtobufMarshallingBenchmark} (the
 * generated marshallers' own heap per unary call: the floor under any gRPC transport's), and the end-to-end
 * {@code NativeEchoBenchmark} (heap per native call, both sides). The gRPC bridge's package-private frame layer is
 * measured through its {@code InternalGrpcFrames} accessor ({@code GrpcFrameBenchmark},
 * {@code MetadataCodecBenchmark}). Figures and the commands: {@code docs/BENCHMARKS.md}.
 */
package io.listenrain.benchmark.jmh;
