package io.listenrain.benchmark.soak;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The parsed command line of {@code soak}. Every flag has a default; see {@link #USAGE}. */
final class SoakOptions {
  static final String USAGE = String.join("\n",
      "usage: soak [flags]",
      "  --duration D        how long to drive traffic (default 10m; units ms, s, m, h)",
      "  --restart-every D   restart both servers this often (default 1m; 0 = never)",
      "  --kill-every D      reset one gRPC and one native connection this often, half a period after the",
      "                      restarts (default 1m; 0 = never)",
      "  --clients N         gRPC channels and native transports, N of each (default 4)",
      "  --window N          calls in flight per unary or native driver (default 64; streams get N/8)",
      "  --payload BYTES     request payload size, at least 8 (default 128)",
      "  --stream-messages N messages per server-streaming call (default 16)",
      "  --call-timeout D    deadline of every call (default 10s); a call with no ending 5 s after it is lost",
      "  --report-every D    how often to print a progress line (default 10s)");

  Duration duration = Duration.ofMinutes(10);
  Duration restartEvery = Duration.ofMinutes(1);
  Duration killEvery = Duration.ofMinutes(1);
  int clients = 4;
  int window = 64;
  int payload = 128;
  int streamMessages = 16;
  Duration callTimeout = Duration.ofSeconds(10);
  Duration reportEvery = Duration.ofSeconds(10);

  /** Parses {@code args} (without the command name). */
  static SoakOptions parse(List<String> args) {
    SoakOptions o = new SoakOptions();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("missing value for " + flag);
      }
      String v = args.get(++i);
      switch (flag) {
        case "--duration" -> o.duration = positive(flag, parseDuration(v));
        case "--restart-every" -> o.restartEvery = parseDuration(v);
        case "--kill-every" -> o.killEvery = parseDuration(v);
        case "--clients" -> o.clients = atLeast(flag, Integer.parseInt(v), 1);
        case "--window" -> o.window = atLeast(flag, Integer.parseInt(v), 1);
        case "--payload" -> o.payload = atLeast(flag, Integer.parseInt(v), Long.BYTES);
        case "--stream-messages" -> o.streamMessages = atLeast(flag, Integer.parseInt(v), 1);
        case "--call-timeout" -> o.callTimeout = positive(flag, parseDuration(v));
        case "--report-every" -> o.reportEvery = positive(flag, parseDuration(v));
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    return o;
  }

  /** Parses {@code 250ms}, {@code 20s}, {@code 10m}, {@code 1h}, or {@code 0}. */
  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + s, e);
    }
    throw new IllegalArgumentException("not a duration (use ms, s, m or h): " + s);
  }

  private static Duration positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(flag + " must be positive: " + d);
    }
    return d;
  }

  private static int atLeast(String flag, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(flag + " must be at least " + min + ": " + v);
    }
    return v;
  }
}
