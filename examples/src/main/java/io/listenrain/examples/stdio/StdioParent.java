package io.listenrain.examples.stdio;

import io.grpc.ManagedChannel;
import io.listenrain.channel.Channel;
import io.listenrain.channel.ChannelGenerator;
import io.listenrain.channel.Channels;
import io.listenrain.channel.ConnectException;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloReply;
import io.listenrain.proto.greeter.HelloRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM ({@link StdioChild}) and calls its greeter over the child's stdin and stdout: gRPC with no
 * socket. The channel's {@link ChannelGenerator} starts a child for each connection, so a child that dies is replaced
 * on the next call, as a reconnect would replace a socket. {@code ./listenrain stdio [NAME...]}.
 */
public final class StdioParent {
  private StdioParent() {}

  public static void main(String[] args) throws Exception {
    boolean fromLauncher = args.length > 0 && args[0].equals("stdio"); // the launcher passes its command first
    System.exit(run(fromLauncher ? java.util.Arrays.copyOfRange(args, 1, args.length) : args, System.out));
  }

  /** Greets each name (or "stdio") through one child process, then closes it; returns the child's exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Children children = new Children();
    ManagedChannel channel = ListenRainChannelBuilder.forChannelGenerator(children).usePlaintext().build();
    try {
      List<String> names = args.length == 0 ? List.of("stdio") : List.of(args);
      for (String name : names) {
        HelloReply reply = GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
            .sayHello(HelloRequest.newBuilder().setName(name).build());
        out.println(reply.getMessage() + "  (over the stdin/stdout of child process " + children.pids() + ")");
      }
    } finally {
      channel.shutdown();
      channel.awaitTermination(10, TimeUnit.SECONDS);
      children.close();
    }
    return children.awaitExit();
  }

  /** Starts a child JVM per connection, on this JVM's own classpath. */
  private static final class Children implements ChannelGenerator {
    private final List<Process> started = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Channel> connect() {
      String java = ProcessHandle.current().info().command().orElse("java");
      try {
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StdioChild.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        started.add(p);
        return CompletableFuture.completedFuture(Channels.fromStreams(p.getInputStream(), p.getOutputStream()));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new ConnectException("cannot start the child JVM: " + e, e, false));
      }
    }

    synchronized List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      started.forEach(p -> pids.add(p.pid()));
      return pids;
    }

    /** Waits for every child to exit (they do once their stdin is closed); the last exit code, or -1 if none. */
    synchronized int awaitExit() throws InterruptedException {
      int code = -1;
      for (Process p : started) {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return -2;
        }
        code = p.exitValue();
      }
      return code;
    }

    @Override
    public void close() {}
  }
}
