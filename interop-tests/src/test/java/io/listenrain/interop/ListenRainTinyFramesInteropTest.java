package io.listenrain.interop;

import io.listenrain.channel.ChannelOptions;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.grpc.ListenRainServerBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * grpc-java's interop suite over TCP with every limit that cuts data squeezed: the smallest frame size the protocol
 * allows (16 KiB, as in HTTP/2; SETTINGS below it are a protocol error), a 1 KiB stream and connection window, so a
 * DATA frame carries at most 1 KiB and a WINDOW update follows every 512 bytes read, and 1-2 KiB channel write
 * watermarks, so the connection's writer stops and resumes on writability all the time. Messages of up to 10 MiB
 * cross in thousands of pieces. NIO rather than epoll, so the Java socket path is covered too.
 */
public class ListenRainTinyFramesInteropTest extends ListenRainInteropTestBase {
  static final int FRAME_SIZE = 16 * 1024;
  static final int WINDOW = 1024;
  static final ChannelOptions SMALL_BUFFERS = ChannelOptions.defaults()
      .withWatermarks(1024, 2048)
      .withPreferNative(false);

  @Override
  protected SocketAddress bindAddress() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  @Override
  protected ListenRainServerBuilder configure(ListenRainServerBuilder builder) {
    return builder.maxFrameSize(FRAME_SIZE).flowControlWindow(WINDOW).channelOptions(SMALL_BUFFERS);
  }

  @Override
  protected ListenRainChannelBuilder configure(ListenRainChannelBuilder builder) {
    return builder.maxFrameSize(FRAME_SIZE).flowControlWindow(WINDOW).channelOptions(SMALL_BUFFERS);
  }
}
