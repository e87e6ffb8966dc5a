package io.listenrain.benchmark;

import io.listenrain.benchmark.harness.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The parsed command line of {@code bench}. Flags given explicitly override what {@code --quick} picks. */
final class BenchOptions {
  static final List<Integer> FULL_PAYLOADS = List.of(4 << 10, 32 << 10, 256 << 10, 4 << 20);
  static final List<Integer> FULL_PARALLEL = List.of(1, 4, 16, 64);
  static final List<Integer> FULL_STREAM_PARALLEL = List.of(1, 16);
  static final Duration FULL_WARMUP = Duration.ofMillis(500);
  static final Duration FULL_MEASURE = Duration.ofSeconds(2);

  static final List<Integer> QUICK_PAYLOADS = List.of(4 << 10, 256 << 10, 4 << 20);
  static final List<Integer> QUICK_PARALLEL = List.of(1, 16);
  static final List<Integer> QUICK_STREAM_PARALLEL = List.of(1);
  static final Duration QUICK_WARMUP = Duration.ofMillis(200);
  static final Duration QUICK_MEASURE = Duration.ofMillis(600);

  static final String USAGE = String.join("\n",
      "usage: bench [--quick] [--contenders a,b] [--payloads 4k,32k,256k,4m] [--parallel 1,4,16,64]",
      "             [--stream-parallel 1,16] [--warmup 500ms] [--measure 2s] [--out DIR] [--big]",
      "             [--baseline epoll|nio] [--list]",
      "  --quick            short run (~2 min): payloads 4k,256k,4m x parallel 1,16, streams x1, 200ms + 600ms",
      "  --contenders       rows to run: full names (grpc-netty-epoll/direct), names without /mode (both modes),",
      "                     or 'all'; default: every default row available here (see --list)",
      "  --payloads         unary payload sizes (bytes, k, m)",
      "  --parallel         unary calls outstanding",
      "  --stream-parallel  concurrent streams for the server-stream and bidi ping-pong cells (1 KiB messages);",
      "                     'none' skips them",
      "  --warmup/--measure per-cell windows (500ms, 2s, 1.5s)",
      "  --out              output directory (default bench-results)",
      "  --big              add the 1000 x 4 MiB unary cell (memory row; give the JVM a large -Xmx)",
      "  --baseline         which grpc-netty rows the ratios use (default epoll where available)",
      "  --list             print the registered contenders and exit");

  List<String> contenders = List.of();
  List<Integer> payloads;
  List<Integer> parallel;
  List<Integer> streamParallel;
  Duration warmup;
  Duration measure;
  Path out = Path.of("bench-results");
  boolean big;
  boolean quick;
  boolean list;
  String baseline;

  /**
   * Parses {@code args} after the command word.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  static BenchOptions parse(List<String> args) {
    BenchOptions o = new BenchOptions();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flag = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      boolean takesValue = !(flag.equals("--quick") || flag.equals("--big") || flag.equals("--list"));
      if (!takesValue && inline != null) {
        throw new IllegalArgumentException(flag + " takes no value");
      }
      switch (flag) {
        case "--quick" -> o.quick = true;
        case "--big" -> o.big = true;
        case "--list" -> o.list = true;
        case "--contenders" -> o.contenders = splitList(value(args, i++, flag, inline));
        case "--payloads" -> o.payloads = splitList(value(args, i++, flag, inline)).stream()
            .map(Units::parseBytes).toList();
        case "--parallel" -> o.parallel = ints(value(args, i++, flag, inline), flag, false);
        case "--stream-parallel" -> o.streamParallel = ints(value(args, i++, flag, inline), flag, true);
        case "--warmup" -> o.warmup = duration(value(args, i++, flag, inline), true);
        case "--measure" -> o.measure = duration(value(args, i++, flag, inline), false);
        case "--out" -> o.out = Path.of(value(args, i++, flag, inline));
        case "--baseline" -> {
          o.baseline = value(args, i++, flag, inline).toLowerCase(Locale.ROOT);
          if (!o.baseline.equals("nio") && !o.baseline.equals("epoll")) {
            throw new IllegalArgumentException("--baseline must be nio or epoll, got " + o.baseline);
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
      if (takesValue && inline != null) {
        i--; // the value was inline: value() did not consume the next argument
      }
    }
    if (o.payloads == null) {
      o.payloads = o.quick ? QUICK_PAYLOADS : FULL_PAYLOADS;
    }
    if (o.parallel == null) {
      o.parallel = o.quick ? QUICK_PARALLEL : FULL_PARALLEL;
    }
    if (o.streamParallel == null) {
      o.streamParallel = o.quick ? QUICK_STREAM_PARALLEL : FULL_STREAM_PARALLEL;
    }
    if (o.warmup == null) {
      o.warmup = o.quick ? QUICK_WARMUP : FULL_WARMUP;
    }
    if (o.measure == null) {
      o.measure = o.quick ? QUICK_MEASURE : FULL_MEASURE;
    }
    return o;
  }

  private static String value(List<String> args, int i, String flag, String inline) {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i + 1);
  }

  private static List<String> splitList(String s) {
    List<String> out = new ArrayList<>();
    for (String p : s.split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out;
  }

  private static List<Integer> ints(String s, String flag, boolean noneAllowed) {
    if (noneAllowed && s.equalsIgnoreCase("none")) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (String p : splitList(s)) {
      int v;
      try {
        v = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": not a number: " + p);
      }
      if (v < 1) {
        throw new IllegalArgumentException(flag + ": must be >= 1: " + v);
      }
      out.add(v);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs at least one value");
    }
    return out;
  }

  /** Parses {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2} (seconds). */
  static Duration duration(String s, boolean zeroAllowed) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    double millis;
    try {
      if (t.endsWith("ms")) {
        millis = Double.parseDouble(t.substring(0, t.length() - 2));
      } else if (t.endsWith("s")) {
        millis = Double.parseDouble(t.substring(0, t.length() - 1)) * 1000;
      } else {
        millis = Double.parseDouble(t) * 1000;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + s + "' (use e.g. 500ms, 2s)");
    }
    if (millis < 0 || (!zeroAllowed && millis == 0) || Double.isNaN(millis)) {
      throw new IllegalArgumentException("duration out of range: " + s);
    }
    return Duration.ofNanos((long) (millis * 1_000_000));
  }
}
