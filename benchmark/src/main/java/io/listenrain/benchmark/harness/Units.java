package io.listenrain.benchmark.harness;

import java.util.Locale;

/** Formats sizes, rates and durations the same way in progress lines and reports. */
public final class Units {
  private Units() {}

  /** {@code 4 KiB}, {@code 4 MiB}, {@code 100 B}: binary units, exact where the size is a round multiple. */
  public static String bytes(long n) {
    if (n >= 1 << 20 && n % (1 << 20) == 0) {
      return n / (1 << 20) + " MiB";
    }
    if (n >= 1 << 10 && n % (1 << 10) == 0) {
      return n / (1 << 10) + " KiB";
    }
    if (n >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
    if (n >= 1 << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return n + " B";
  }

  /** Parses {@code 4096}, {@code 4k}, {@code 4KiB}, {@code 32K}, {@code 4m}, {@code 4MiB} (binary multiples). */
  public static int parseBytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    long mult = 1;
    if (t.endsWith("k")) {
      mult = 1024;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      mult = 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    long v;
    try {
      v = Long.parseLong(t.trim()) * mult;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size: '" + s + "' (use e.g. 4096, 4k, 256KiB, 4m)");
    }
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("size out of range: " + s);
    }
    return (int) v;
  }

  /** Nanoseconds as {@code 850 ns}, {@code 312 us}, {@code 4.2 ms}, {@code 1.3 s}; {@code -} when negative. */
  public static String nanos(long ns) {
    if (ns < 0) {
      return "-";
    }
    if (ns < 1_000) {
      return ns + " ns";
    }
    if (ns < 1_000_000) {
      return String.format(Locale.ROOT, "%.0f us", ns / 1e3);
    }
    if (ns < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
  }

  /** A rate with thousands grouping: {@code 45,120}. */
  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** Two decimals: {@code 1.38}. */
  public static String two(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Mebibytes with one decimal: {@code 123.4}. */
  public static String mib(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }
}
