package io.listenrain.examples;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Asks a server's reflection service ({@code grpc.reflection.v1.ServerReflection}) for its services and for the
 * proto files that define a symbol, and builds {@link FileDescriptor}s from them. One short stream per question.
 */
final class ReflectionClient {
  private final Channel channel;
  private final Deadline deadline;
  /** Files received so far, by name; a server sends a file with its transitive dependencies. */
  private final Map<String, FileDescriptorProto> protos = new HashMap<>();
  private final Map<String, FileDescriptor> built = new HashMap<>();

  ReflectionClient(Channel channel, Deadline deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  /** The fully qualified names of the services the server exposes, in the server's order. */
  List<String> listServices() throws InterruptedException {
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> names = new ArrayList<>();
    for (ServiceResponse s : response.getListServicesResponse().getServiceList()) {
      names.add(s.getName());
    }
    return names;
  }

  /** The file defining {@code symbol} (a service, method, message or enum), or {@code null} if the server has none. */
  FileDescriptor fileContaining(String symbol) throws InterruptedException, DescriptorValidationException {
    ServerReflectionResponse response =
        ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    if (response.hasErrorResponse()) {
      if (response.getErrorResponse().getErrorCode() == Status.Code.NOT_FOUND.value()) {
        return null;
      }
      throw Status.fromCodeValue(response.getErrorResponse().getErrorCode())
          .withDescription(response.getErrorResponse().getErrorMessage()).asRuntimeException();
    }
    String first = null;
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto proto = parse(bytes);
      protos.putIfAbsent(proto.getName(), proto);
      if (first == null) {
        first = proto.getName();
      }
    }
    return first == null ? null : build(first);
  }

  private FileDescriptor build(String name) throws InterruptedException, DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      ServerReflectionResponse response =
          ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
      for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
        FileDescriptorProto p = parse(bytes);
        protos.putIfAbsent(p.getName(), p);
      }
      proto = protos.get(name);
      if (proto == null) {
        throw Status.NOT_FOUND.withDescription("the server's reflection has no file " + name).asRuntimeException();
      }
    }
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dep : proto.getDependencyList()) {
      deps.add(build(dep));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
    built.put(name, file);
    return file;
  }

  private static FileDescriptorProto parse(ByteString bytes) {
    try {
      return FileDescriptorProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("the server sent an unreadable file descriptor").withCause(e)
          .asRuntimeException();
    }
  }

  private ServerReflectionResponse ask(ServerReflectionRequest request) throws InterruptedException {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(ServerReflectionGrpc.getServerReflectionInfoMethod(),
            CallOptions.DEFAULT.withDeadline(deadline)),
        new StreamObserver<ServerReflectionResponse>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            answer.completeExceptionally(
                Status.INTERNAL.withDescription("reflection stream ended without an answer").asRuntimeException());
          }
        });
    requests.onNext(request);
    requests.onCompleted();
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
