package io.listenrain.benchmark.report;

import io.listenrain.benchmark.harness.CellResult;
import io.listenrain.benchmark.harness.Units;
import io.listenrain.benchmark.spi.Workload;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws unary throughput (Gib/s, one direction) by payload size, one line per contender, one panel per parallelism,
 * with {@code java.awt} in headless mode. No chart library: axes, ticks, polylines and a legend. The y axis is
 * logarithmic (decades), shared by every panel: rows span four orders of magnitude (in-process gRPC hands objects
 * over by reference), and a linear axis would flatten everything else. Cells with no completed call leave a gap.
 */
public final class ThroughputChart {
  private static final int PANEL_W = 420;
  private static final int PANEL_H = 300;
  private static final int MARGIN_L = 56;
  private static final int MARGIN_B = 40;
  private static final int MARGIN_T = 34;
  private static final int MARGIN_R = 16;
  private static final int LEGEND_ROW = 18;
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
      new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0x8c6d31), new Color(0x7b4173),
      new Color(0x3182bd)};

  private ThroughputChart() {}

  /** Renders the chart; returns {@code null} if there are no unary results to draw. */
  public static BufferedImage render(String title, List<CellResult> results) {
    System.setProperty("java.awt.headless", "true");
    List<CellResult> unary = results.stream()
        .filter(r -> r.ran() && r.cell().workload() == Workload.UNARY).toList();
    if (unary.isEmpty()) {
      return null;
    }
    TreeSet<Integer> payloads = new TreeSet<>();
    TreeSet<Integer> parallels = new TreeSet<>();
    Map<String, Integer> seriesIndex = new LinkedHashMap<>();
    for (CellResult r : unary) {
      payloads.add(r.cell().payloadBytes());
      parallels.add(r.cell().parallel());
      seriesIndex.putIfAbsent(r.contender(), seriesIndex.size());
    }
    List<Integer> xs = new ArrayList<>(payloads);
    int cols = Math.min(parallels.size(), 2);
    int rows = (parallels.size() + cols - 1) / cols;
    int legendRows = (seriesIndex.size() + 2) / 3;
    int width = cols * PANEL_W;
    int height = 30 + rows * PANEL_H + legendRows * LEGEND_ROW + 16;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, 10, 20);
      double[] range = decades(unary);
      int i = 0;
      for (int par : parallels) {
        int px = (i % cols) * PANEL_W;
        int py = 30 + (i / cols) * PANEL_H;
        drawPanel(g, px, py, par, xs, unary, seriesIndex, range[0], range[1]);
        i++;
      }
      drawLegend(g, 10, 30 + rows * PANEL_H + 4, width, seriesIndex);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Renders and writes a PNG; returns whether a chart was written. */
  public static boolean write(String title, List<CellResult> results, Path png) throws IOException {
    BufferedImage img = render(title, results);
    if (img == null) {
      return false;
    }
    return ImageIO.write(img, "png", png.toFile());
  }

  private static void drawPanel(Graphics2D g, int px, int py, int parallel, List<Integer> xs,
      List<CellResult> unary, Map<String, Integer> seriesIndex, double lo, double hi) {
    int x0 = px + MARGIN_L;
    int y0 = py + PANEL_H - MARGIN_B;
    int w = PANEL_W - MARGIN_L - MARGIN_R;
    int h = PANEL_H - MARGIN_T - MARGIN_B;
    double logLo = Math.log10(lo);
    double span = Math.log10(hi) - logLo;

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.setColor(Color.BLACK);
    g.drawString(parallel + " outstanding call" + (parallel == 1 ? "" : "s"), x0 + 24, py + MARGIN_T - 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    FontMetrics fm = g.getFontMetrics();
    for (int d = 0; d <= (int) Math.round(span); d++) {
      double v = Math.pow(10, logLo + d);
      int y = y0 - (int) Math.round(h * d / span);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x0, y, x0 + w, y);
      g.setColor(Color.DARK_GRAY);
      String label = v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", (float) v);
      g.drawString(label, x0 - 6 - fm.stringWidth(label), y + 4);
    }
    g.drawString("Gib/s (log)", px + 6, py + MARGIN_T - 12);
    for (int k = 0; k < xs.size(); k++) {
      int x = xFor(k, xs.size(), x0, w);
      String label = Units.bytes(xs.get(k));
      g.drawString(label, x - fm.stringWidth(label) / 2, y0 + 16);
    }
    g.drawString("payload", x0 + w / 2 - fm.stringWidth("payload") / 2, y0 + 32);
    g.setColor(Color.BLACK);
    g.drawLine(x0, y0, x0 + w, y0);
    g.drawLine(x0, y0, x0, y0 - h);

    g.setStroke(new BasicStroke(2f));
    for (Map.Entry<String, Integer> s : seriesIndex.entrySet()) {
      g.setColor(PALETTE[s.getValue() % PALETTE.length]);
      int prevX = -1;
      int prevY = -1;
      for (int k = 0; k < xs.size(); k++) {
        int payload = xs.get(k);
        CellResult r = unary.stream().filter(c -> c.contender().equals(s.getKey())
            && c.cell().parallel() == parallel && c.cell().payloadBytes() == payload).findFirst().orElse(null);
        if (r == null || r.gibPerSecond() <= 0) {
          prevX = -1;
          continue;
        }
        int x = xFor(k, xs.size(), x0, w);
        double frac = (Math.log10(r.gibPerSecond()) - logLo) / span;
        int y = y0 - (int) Math.round(h * Math.max(0, Math.min(1, frac)));
        g.fillOval(x - 3, y - 3, 6, 6);
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, x, y);
        }
        prevX = x;
        prevY = y;
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void drawLegend(Graphics2D g, int x, int y, int width, Map<String, Integer> seriesIndex) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int colW = (width - 20) / 3;
    int n = 0;
    for (Map.Entry<String, Integer> s : seriesIndex.entrySet()) {
      int cx = x + (n % 3) * colW;
      int cy = y + (n / 3) * LEGEND_ROW + 12;
      g.setColor(PALETTE[s.getValue() % PALETTE.length]);
      g.fillRect(cx, cy - 8, 14, 8);
      g.setColor(Color.BLACK);
      g.drawString(s.getKey(), cx + 20, cy);
      n++;
    }
  }

  private static int xFor(int k, int n, int x0, int w) {
    return n == 1 ? x0 + w / 2 : x0 + 12 + (int) Math.round((w - 24) * (double) k / (n - 1));
  }

  /** The decades {@code [lo, hi]} that hold every positive throughput: powers of ten, at least one decade apart. */
  static double[] decades(List<CellResult> results) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (CellResult r : results) {
      double v = r.gibPerSecond();
      if (v > 0) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (max == 0) {
      return new double[] {0.01, 1};
    }
    double lo = Math.pow(10, Math.floor(Math.log10(min)));
    double hi = Math.pow(10, Math.ceil(Math.log10(max)));
    return new double[] {lo, hi <= lo ? lo * 10 : hi};
  }
}
