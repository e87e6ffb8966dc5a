package io.listenrain.examples.stdio;

import io.grpc.Server;
import io.listenrain.channel.Channel;
import io.listenrain.channel.Channels;
import io.listenrain.examples.greeter.GreeterService;
import io.listenrain.grpc.ListenRainServerBuilder;
import io.listenrain.grpc.ServedChannels;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The child process: serves the greeter over its own stdin and stdout, and exits when its parent closes stdin. Its
 * stdout carries gRPC, so everything it would print goes to stderr.
 */
public final class StdioChild {
  private StdioChild() {}

  public static void main(String[] args) throws Exception {
    FileInputStream in = new FileInputStream(FileDescriptor.in);
    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    ServedChannels channels = ServedChannels.create();
    Server server = ListenRainServerBuilder.forChannels(channels).addService(new GreeterService()).build().start();
    Channel stdio = Channels.fromStreams(in, out);
    channels.serve(stdio);
    stdio.closeFuture().get(); // the parent closed our stdin (or died)
    server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    System.exit(0);
  }
}
