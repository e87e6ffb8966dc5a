package io.listenrain.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonStreamParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.listenrain.channel.ChannelOptions;
import io.listenrain.channel.ClientTls;
import io.listenrain.codec.BytesMessage;
import io.listenrain.codec.RawBytesMessageCodec;
import io.listenrain.config.ProtocolSpec;
import io.listenrain.grpc.ListenRainChannelBuilder;
import io.listenrain.proto.greeter.GreeterGrpc;
import io.listenrain.proto.greeter.HelloRequest;
import io.listenrain.protocol.Protocol;
import io.listenrain.protocol.ProtocolRegisterTable;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./listenrain call}: a grpcurl for ListenRain servers. Finds services and message types through the server's
 * reflection service, so it calls any method of any server that serves reflection (as {@code ./listenrain serve}
 * does); see {@link #USAGE}. Without a command word it keeps its first job: one greeter call ({@code --name}) and,
 * with {@code --native TEXT}, one native echo call, against {@code ./listenrain serve}.
 */
final class CallCommand {
  static final String USAGE = String.join("\n",
      "usage: listenrain call [ADDRESS] [TLS] [OPTIONS] list [SERVICE]",
      "       listenrain call [ADDRESS] [TLS] [OPTIONS] describe [SERVICE | SERVICE.METHOD | MESSAGE]",
      "       listenrain call [ADDRESS] [TLS] [OPTIONS] SERVICE/METHOD [-d JSON | -d @]",
      "       listenrain call [ADDRESS] [TLS] [--name NAME] [--native TEXT]   (greeter and native echo of serve)",
      "  ADDRESS   --host H --port N (default 127.0.0.1:" + Endpoint.DEFAULT_PORT + ") | --unix PATH",
      "  TLS       --tls-ca FILE (trust this CA), --tls-cert FILE --tls-key FILE (client certificate); PEM files",
      "  -d JSON   the request as protobuf JSON; '-d @' reads it from stdin; client-streaming methods take",
      "            several JSON objects one after the other; no -d sends an empty request",
      "  -H 'k: v' a request header (repeatable; a key ending in -bin takes base64)",
      "  --deadline D   e.g. 500ms, 5s, 1m: the call's deadline (none by default; reflection questions: 10s)",
      "  --verbose      errors print their stack trace too (otherwise one line)",
      "Responses print one JSON object per line (server streams: one per message).",
      "Exit codes: 0 ok, 1 usage or I/O error (cannot connect, unknown service, bad JSON), 64 + gRPC status code",
      "when the call fails (e.g. 68 DEADLINE_EXCEEDED, 69 NOT_FOUND, 78 UNAVAILABLE).");

  private static final Duration REFLECTION_DEADLINE = Duration.ofSeconds(10);

  private CallCommand() {}

  /** The parsed command line. */
  static final class Args {
    Endpoint endpoint;
    ClientTls tls;
    final List<String> words = new ArrayList<>();
    String data;
    final Metadata headers = new Metadata();
    Duration deadline;
    String name;
    String nativeText;
  }

  static Args parse(String[] argv) throws Exception {
    Args a = new Args();
    a.endpoint = Endpoint.parse(argv, 1);
    TlsFiles tlsFiles = TlsFiles.parse(a.endpoint.rest);
    a.tls = tlsFiles.clientTlsWanted() ? tlsFiles.clientTls() : null;
    List<String> rest = tlsFiles.rest;
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      switch (arg) {
        case "-d", "--data" -> a.data = value(rest, ++i, arg);
        case "-H", "--header" -> header(a.headers, value(rest, ++i, arg));
        case "--deadline" -> a.deadline = duration(value(rest, ++i, arg));
        case "--name" -> a.name = value(rest, ++i, arg);
        case "--native" -> a.nativeText = value(rest, ++i, arg);
        default -> {
          if (arg.startsWith("-")) {
            throw CliError.usage("unknown argument " + arg + " (see listenrain call --help)");
          }
          a.words.add(arg);
        }
      }
    }
    return a;
  }

  private static String value(List<String> args, int i, String flag) throws CliError {
    if (i >= args.size()) {
      throw CliError.usage(flag + " needs a value");
    }
    return args.get(i);
  }

  private static void header(Metadata headers, String line) throws CliError {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw CliError.usage("-H takes 'key: value', got '" + line + "'");
    }
    String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim();
    try {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        headers.put(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER), Base64.getDecoder().decode(value));
      } else {
        headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
      }
    } catch (IllegalArgumentException e) {
      throw CliError.usage("bad header '" + line + "': " + e.getMessage());
    }
  }

  /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
  static Duration duration(String text) throws CliError {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int unitAt = 0;
    while (unitAt < t.length() && (Character.isDigit(t.charAt(unitAt)) || t.charAt(unitAt) == '.')) {
      unitAt++;
    }
    try {
      double amount = Double.parseDouble(t.substring(0, unitAt));
      double millis = switch (t.substring(unitAt)) {
        case "ms" -> amount;
        case "s", "" -> amount * 1000;
        case "m" -> amount * 60_000;
        case "h" -> amount * 3_600_000;
        default -> throw new NumberFormatException();
      };
      if (millis <= 0) {
        throw new NumberFormatException();
      }
      return Duration.ofNanos((long) (millis * 1_000_000));
    } catch (NumberFormatException e) {
      throw CliError.usage("--deadline takes a duration like 500ms, 5s, 1m; got '" + text + "'");
    }
  }

  static int run(String[] argv, InputStream in, PrintStream out) throws Exception {
    Args a = parse(argv);
    if (a.words.isEmpty()) {
      return legacy(a, out);
    }
    if (a.name != null || a.nativeText != null) {
      throw CliError.usage("--name and --native go without a command word (they call serve's greeter)");
    }
    ManagedChannel channel = channel(a.endpoint, a.tls);
    try {
      Deadline reflectionDeadline = Deadline.after(REFLECTION_DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
      ReflectionClient reflection = new ReflectionClient(channel, reflectionDeadline);
      String word = a.words.get(0);
      try {
        switch (word) {
          case "list" -> list(reflection, a.words, out);
          case "describe" -> describe(reflection, a.words, out);
          default -> {
            if (a.words.size() > 1) {
              throw CliError.usage("unexpected arguments " + a.words.subList(1, a.words.size()));
            }
            MethodDescriptor method = findMethod(reflection, word);
            return invoke(channel, a, method, in, out);
          }
        }
      } catch (StatusRuntimeException e) {
        throw reflectionFailed(a.endpoint, e);
      }
      return 0;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void list(ReflectionClient reflection, List<String> words, PrintStream out) throws Exception {
    if (words.size() > 2) {
      throw CliError.usage("list takes at most one service");
    }
    if (words.size() == 1) {
      reflection.listServices().stream().sorted().forEach(out::println);
      return;
    }
    for (MethodDescriptor m : findService(reflection, words.get(1)).getMethods()) {
      out.println(m.getFullName());
    }
  }

  private static void describe(ReflectionClient reflection, List<String> words, PrintStream out) throws Exception {
    List<String> symbols = words.size() > 1 ? words.subList(1, words.size()) : sorted(reflection.listServices());
    for (String symbol : symbols) {
      String s = symbol.startsWith(".") ? symbol.substring(1) : symbol;
      GenericDescriptor d = find(reflection, s);
      if (d instanceof ServiceDescriptor service) {
        out.println(ProtoText.service(service));
      } else if (d instanceof MethodDescriptor method) {
        out.println(ProtoText.method(method));
      } else if (d instanceof Descriptor message) {
        out.println(ProtoText.message(message));
      } else if (d instanceof com.google.protobuf.Descriptors.EnumDescriptor e) {
        out.println(ProtoText.enumeration(e));
      } else {
        throw new CliError(CliError.USAGE_OR_IO, "symbol \"" + s + "\" not found; services on the server: "
            + String.join(", ", sorted(reflection.listServices())), null);
      }
    }
  }

  private static List<String> sorted(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return copy;
  }

  /** The service, method ({@code S.M} or {@code S/M}), message or enum named {@code symbol}, or {@code null}. */
  private static GenericDescriptor find(ReflectionClient reflection, String symbol)
      throws InterruptedException, DescriptorValidationException {
    String name = symbol.replace('/', '.');
    FileDescriptor file = reflection.fileContaining(name);
    if (file == null) {
      return null;
    }
    GenericDescriptor d = file.findServiceByName(local(file, name));
    if (d == null) {
      d = file.findMessageTypeByName(local(file, name));
    }
    if (d == null) {
      d = file.findEnumTypeByName(local(file, name));
    }
    if (d == null) {
      int dot = name.lastIndexOf('.');
      ServiceDescriptor service = dot < 0 ? null : file.findServiceByName(local(file, name.substring(0, dot)));
      d = service == null ? null : service.findMethodByName(name.substring(dot + 1));
    }
    if (d == null) {
      d = findNested(file, name);
    }
    return d;
  }

  private static GenericDescriptor findNested(FileDescriptor file, String fullName) {
    for (Descriptor m : file.getMessageTypes()) {
      GenericDescriptor d = findNested(m, fullName);
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private static GenericDescriptor findNested(Descriptor message, String fullName) {
    if (message.getFullName().equals(fullName)) {
      return message;
    }
    for (com.google.protobuf.Descriptors.EnumDescriptor e : message.getEnumTypes()) {
      if (e.getFullName().equals(fullName)) {
        return e;
      }
    }
    for (Descriptor nested : message.getNestedTypes()) {
      GenericDescriptor d = findNested(nested, fullName);
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private static String local(FileDescriptor file, String fullName) {
    String pkg = file.getPackage();
    return !pkg.isEmpty() && fullName.startsWith(pkg + ".") ? fullName.substring(pkg.length() + 1) : fullName;
  }

  private static ServiceDescriptor findService(ReflectionClient reflection, String name) throws Exception {
    GenericDescriptor d = find(reflection, name);
    if (d instanceof ServiceDescriptor service) {
      return service;
    }
    throw new CliError(CliError.USAGE_OR_IO, "service \"" + name + "\" not found; services on the server: "
        + String.join(", ", sorted(reflection.listServices())), null);
  }

  private static MethodDescriptor findMethod(ReflectionClient reflection, String fullMethod) throws Exception {
    int slash = fullMethod.lastIndexOf('/');
    if (slash <= 0 || slash == fullMethod.length() - 1) {
      throw CliError.usage("unknown command \"" + fullMethod
          + "\": expected list, describe or SERVICE/METHOD (see listenrain call --help)");
    }
    ServiceDescriptor service = findService(reflection, fullMethod.substring(0, slash));
    String methodName = fullMethod.substring(slash + 1);
    MethodDescriptor method = service.findMethodByName(methodName);
    if (method == null) {
      List<String> names = new ArrayList<>();
      service.getMethods().forEach(m -> names.add(m.getName()));
      throw new CliError(CliError.USAGE_OR_IO, "service " + service.getFullName() + " has no method \"" + methodName
          + "\"; its methods: " + String.join(", ", names), null);
    }
    return method;
  }

  /** The request messages from {@code -d}: none (an empty request), one, or several JSON objects in a row. */
  static List<DynamicMessage> requests(String data, InputStream in, Descriptor type) throws CliError {
    String json;
    if (data == null) {
      json = "";
    } else if ("@".equals(data)) {
      try {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliError(CliError.USAGE_OR_IO, "cannot read the request from stdin: " + e.getMessage(), e);
      }
    } else {
      json = data;
    }
    List<DynamicMessage> messages = new ArrayList<>();
    JsonStreamParser parser = new JsonStreamParser(json);
    int index = 0;
    try {
      while (parser.hasNext()) {
        JsonElement element = parser.next();
        index++;
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        JsonFormat.parser().merge(element.toString(), b);
        messages.add(b.build());
      }
    } catch (JsonParseException | InvalidProtocolBufferException e) {
      String where = index == 0 && messages.isEmpty() ? "" : " (message " + Math.max(1, index) + ")";
      throw new CliError(CliError.USAGE_OR_IO, "bad request JSON for " + type.getFullName() + where + ": "
          + firstLine(e.getMessage()), e);
    }
    if (messages.isEmpty() && data == null) {
      messages.add(DynamicMessage.getDefaultInstance(type));
    }
    return messages;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static int invoke(ManagedChannel channel, Args a, MethodDescriptor method, InputStream in,
      PrintStream out) throws Exception {
    List<DynamicMessage> requests = requests(a.data, in, method.getInputType());
    if (!method.isClientStreaming() && requests.size() != 1) {
      throw CliError.usage(method.getFullName() + " takes exactly one request message, got " + requests.size());
    }
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(methodType(method))
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(
                method.getService().getFullName(), method.getName()))
            .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
            .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
            .build();
    CallOptions options = CallOptions.DEFAULT;
    if (a.deadline != null) {
      options = options.withDeadlineAfter(a.deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    Channel withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(a.headers));
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    StreamObserver<DynamicMessage> send = ClientCalls.asyncBidiStreamingCall(
        withHeaders.newCall(grpcMethod, options), new StreamObserver<DynamicMessage>() {
          @Override
          public void onNext(DynamicMessage response) {
            try {
              out.println(printer.print(response));
              out.flush();
            } catch (InvalidProtocolBufferException e) {
              throw Status.INTERNAL.withDescription("cannot print the response as JSON: " + e.getMessage())
                  .withCause(e).asRuntimeException();
            }
          }

          @Override
          public void onError(Throwable t) {
            failure.set(t);
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    for (DynamicMessage request : requests) {
      send.onNext(request);
    }
    send.onCompleted();
    done.await();
    Throwable t = failure.get();
    if (t == null) {
      return 0;
    }
    Status status = Status.fromThrowable(t);
    throw new CliError(CliError.STATUS_OFFSET + status.getCode().value(), method.getService().getFullName() + "/"
        + method.getName() + " failed: " + status.getCode() + (status.getDescription() != null
            ? ": " + status.getDescription() : "") + connectHint(a.endpoint, t), t);
  }

  private static MethodType methodType(MethodDescriptor m) {
    if (m.isClientStreaming()) {
      return m.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
    }
    return m.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
  }

  /** A failure while asking reflection: cannot connect (with a hint), no reflection service, or another status. */
  private static CliError reflectionFailed(Endpoint endpoint, StatusRuntimeException e) {
    Status status = e.getStatus();
    if (isConnectFailure(e)) {
      return new CliError(CliError.USAGE_OR_IO, "cannot connect to " + endpoint + connectHint(endpoint, e), e);
    }
    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
      return new CliError(CliError.USAGE_OR_IO, "the server at " + endpoint
          + " does not serve reflection (grpc.reflection.v1.ServerReflection); list, describe and calls by name"
          + " need it", e);
    }
    return new CliError(CliError.USAGE_OR_IO, "asking " + endpoint + "'s reflection service failed: "
        + status.getCode() + (status.getDescription() != null ? ": " + status.getDescription() : ""), e);
  }

  private static boolean isConnectFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof io.listenrain.channel.ConnectException
          || c instanceof java.net.NoRouteToHostException
          || c instanceof java.net.UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  private static String connectHint(Endpoint endpoint, Throwable t) {
    if (!isConnectFailure(t)) {
      return "";
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String why = root instanceof java.io.FileNotFoundException ? "no such socket file"
        : root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    String serve = endpoint.unixPath != null ? "--unix " + endpoint.unixPath : "--port " + endpoint.port;
    return ": " + why + " (is a server listening there? start one with ./listenrain serve " + serve
        + ", or pass --host/--port/--unix)";
  }

  /** {@code call [--name N] [--native TEXT]}: the greeter of {@code serve}, then its native echo. */
  private static int legacy(Args a, PrintStream out) throws InterruptedException {
    String over = a.tls != null ? " over TLS" : "";
    out.println("greeter over ListenRain-gRPC at " + a.endpoint + over + ": "
        + greet(a.endpoint, a.name != null ? a.name : "world", a.tls));
    if (a.nativeText != null) {
      out.println("native echo at " + a.endpoint + over + ": " + nativeEcho(a.endpoint, a.nativeText, a.tls));
    }
    return 0;
  }

  /** A channel to {@code endpoint}; {@code tls == null} for plaintext. */
  static ManagedChannel channel(Endpoint endpoint, ClientTls tls) {
    ListenRainChannelBuilder builder = endpoint.unixPath != null
        ? ListenRainChannelBuilder.forUnixSocket(endpoint.unixPath)
        : ListenRainChannelBuilder.forAddress(endpoint.host, endpoint.port);
    return (tls != null ? builder.tls(tls) : builder.usePlaintext()).build();
  }

  static String greet(Endpoint endpoint, String name) throws InterruptedException {
    return greet(endpoint, name, null);
  }

  /** One greeter call; {@code tls == null} for plaintext. */
  static String greet(Endpoint endpoint, String name, ClientTls tls) throws InterruptedException {
    ManagedChannel channel = channel(endpoint, tls);
    try {
      return GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static String nativeEcho(Endpoint endpoint, String text) throws InterruptedException {
    return nativeEcho(endpoint, text, null);
  }

  /** One native echo call; {@code tls == null} for plaintext. */
  static String nativeEcho(Endpoint endpoint, String text, ClientTls tls) throws InterruptedException {
    try (ProtocolRegisterTable table = new ProtocolRegisterTable()) {
      ProtocolSpec<BytesMessage> spec = tls == null ? ServeCommand.nativeEchoSpec()
          : ProtocolSpec.builder(ServeCommand.NATIVE_ECHO, RawBytesMessageCodec.instance())
              .channelOptions(ChannelOptions.defaults().withClientTls(tls)).build();
      Protocol<BytesMessage> echo = table.register(spec);
      BytesMessage reply = echo.syncSend(echo.key(endpoint.dialAddress()),
          new BytesMessage(1, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)), Duration.ofSeconds(10));
      try {
        return reply.content().toString(StandardCharsets.UTF_8);
      } finally {
        reply.release();
      }
    }
  }
}
