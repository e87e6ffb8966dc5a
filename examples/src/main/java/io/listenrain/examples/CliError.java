package io.listenrain.examples;

/**
 * A failure the command line reports as one line (no stack trace unless {@code --verbose}) and exits with
 * {@link #exitCode}: 1 for usage and I/O errors, a gRPC status code + 64 for a failed call (grpcurl's convention).
 */
final class CliError extends Exception {
  private static final long serialVersionUID = 1L;

  /** Usage errors and I/O errors (cannot connect, bad JSON, unknown service). */
  static final int USAGE_OR_IO = 1;
  /** Added to the gRPC status code of a failed call. */
  static final int STATUS_OFFSET = 64;

  final int exitCode;

  CliError(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliError usage(String message) {
    return new CliError(USAGE_OR_IO, message, null);
  }
}
