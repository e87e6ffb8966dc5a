package io.listenrain.benchmark.soak;

/** The kinds of call the soak drives. */
enum CallKind {
  GRPC_UNARY("grpc-unary"),
  GRPC_STREAM("grpc-stream"),
  NATIVE("native");

  private final String label;

  CallKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
