package io.listenrain.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ./listenrain} command line: {@code demo} runs a gRPC call and a native call over real TCP, in process,
 * and prints what each cost; {@code serve} runs the example services (gRPC and native on one port, with reflection
 * and health) and {@code call} calls them, or any server with reflection, like grpcurl;
 * {@code serve-gobench} serves the Go original's benchmark protocol.
 */
public final class Cli {
  private Cli() {}

  static final String DEMO_USAGE = String.join("\n",
      "usage: listenrain demo",
      "  Starts a gRPC server (generated Greeter stub, over ListenRain) and a native raw-bytes server on loopback",
      "  TCP, makes one call to each, and prints what each cost: time and bytes on the wire.");

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs one command with the process's stdin; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /**
   * Runs one command; returns the process exit code. Failures print one line on {@code err} (with the stack trace
   * when {@code --verbose} is among the arguments): a {@link CliError} exits with its code, a bad argument with 1.
   */
  static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
    List<String> list = new ArrayList<>(List.of(argv));
    boolean verbose = list.remove("--verbose") | list.remove("-v");
    String[] args = list.toArray(new String[0]);
    String command = args.length == 0 ? "help" : args[0];
    try {
      switch (command) {
        case "demo":
          if (wantsHelp(args)) {
            out.println(DEMO_USAGE);
            return 0;
          }
          return demo(out);
        case "serve":
          return ServeCommand.run(args, out);
        case "call":
          if (wantsHelp(args)) {
            out.println(CallCommand.USAGE);
            return 0;
          }
          return CallCommand.run(args, in, out);
        case "serve-gobench":
          return GoBenchServeCommand.run(args, out, err);
        default:
          err.println("usage: listenrain demo | serve | serve-gobench | call | bench  (each takes --help)");
          return 2;
      }
    } catch (CliError e) {
      report(err, command, e.getMessage(), e, verbose);
      return e.exitCode;
    } catch (IllegalArgumentException e) {
      report(err, command, e.getMessage() + " (see listenrain " + command + " --help)", e, verbose);
      return CliError.USAGE_OR_IO;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report(err, command, "interrupted", e, verbose);
      return CliError.USAGE_OR_IO;
    } catch (Exception e) {
      report(err, command, e.toString(), e, verbose);
      return CliError.USAGE_OR_IO;
    }
  }

  private static void report(PrintStream err, String command, String message, Throwable e, boolean verbose) {
    err.println("listenrain " + command + ": " + message);
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
  }

  /** Whether {@code --help} or {@code -h} is among the arguments after the command word. */
  static boolean wantsHelp(String[] args) {
    for (int i = 1; i < args.length; i++) {
      if ("--help".equals(args[i]) || "-h".equals(args[i])) {
        return true;
      }
    }
    return false;
  }

  /** {@code demo}: see {@link DemoCommand}. */
  static int demo(PrintStream out) throws Exception {
    return DemoCommand.run(out);
  }
}
