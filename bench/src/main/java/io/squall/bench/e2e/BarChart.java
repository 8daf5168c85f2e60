package io.squall.bench.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The benchmark's PNG: two panels of bars per configuration, prompt tokens/s and generation tokens/s, each bar the mean
 * with a whisker of one standard deviation either side; in the generation panel a dashed line over each bar marks
 * its bandwidth bound (at the top, marked off scale, when it is more than twice the tallest bar; the fraction of it
 * is printed over the bar). Java2D, headless.
 */
final class BarChart {
    private static final int PANEL_W = 560,
            H = 460,
            MARGIN = 60,
            TOP = 70,
            BOTTOM = 120,
            RIGHT_PAD = 80; // room for the last rotated label
    private static final Color PROMPT = new Color(0x4C72B0), GEN = new Color(0xDD8452), GRID = new Color(0xDDDDDD);

    private BarChart() {}

    static void write(List<EndToEndBench.Result> results, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(2 * PANEL_W + RIGHT_PAD, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        String title = results.isEmpty()
                ? "no results"
                : "Squall end to end: " + results.getFirst().model();
        g.drawString(title, MARGIN, 28);
        panel(g, 0, "prompt tokens/s", results, true);
        panel(g, PANEL_W, "generation tokens/s (fraction of bandwidth bound)", results, false);
        g.dispose();
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void panel(Graphics2D g, int x0, String label, List<EndToEndBench.Result> results, boolean prompt) {
        int plotW = PANEL_W - 2 * MARGIN, plotH = H - TOP - BOTTOM;
        double max = 0;
        for (EndToEndBench.Result r : results) {
            max = Math.max(max, prompt ? r.promptTps() + r.promptSpread() : r.genTps() + r.genSpread());
        }
        if (!prompt) { // the scale takes in the bounds unless one is so far above the bars that they would vanish
            for (EndToEndBench.Result r : results) {
                if (r.boundTps() <= 2 * max) {
                    max = Math.max(max, r.boundTps());
                }
            }
        }
        max = niceCeiling(max);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(label, x0 + MARGIN, TOP - 14);
        // grid and axis labels
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i <= 4; i++) {
            int y = TOP + plotH - i * plotH / 4;
            g.setColor(GRID);
            g.drawLine(x0 + MARGIN, y, x0 + MARGIN + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String v = format(max * i / 4);
            g.drawString(v, x0 + MARGIN - 6 - fm.stringWidth(v), y + 4);
        }
        int n = Math.max(1, results.size());
        int slot = plotW / n;
        int barW = Math.max(8, slot * 3 / 5);
        for (int i = 0; i < results.size(); i++) {
            EndToEndBench.Result r = results.get(i);
            double v = prompt ? r.promptTps() : r.genTps();
            int h = max > 0 ? (int) Math.round(v / max * plotH) : 0;
            int x = x0 + MARGIN + i * slot + (slot - barW) / 2;
            g.setColor(prompt ? PROMPT : GEN);
            g.fillRect(x, TOP + plotH - h, barW, h);
            g.setColor(Color.BLACK);
            double sd = prompt ? r.promptSpread() : r.genSpread();
            if (sd > 0 && max > 0) {
                int hi = TOP + plotH - (int) Math.round(Math.min(max, v + sd) / max * plotH);
                int lo = TOP + plotH - (int) Math.round(Math.max(0, v - sd) / max * plotH);
                g.drawLine(x + barW / 2, hi, x + barW / 2, lo);
                g.drawLine(x + barW / 2 - 4, hi, x + barW / 2 + 4, hi);
                g.drawLine(x + barW / 2 - 4, lo, x + barW / 2 + 4, lo);
            }
            if (!prompt && r.boundTps() > 0 && max > 0) {
                boolean offScale = r.boundTps() > max; // drawn at the top, labelled as off the scale
                int y = TOP + plotH - (int) Math.round(Math.min(r.boundTps(), max) / max * plotH);
                Graphics2D d = (Graphics2D) g.create();
                d.setColor(Color.RED.darker());
                d.setStroke(new BasicStroke(
                        1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
                d.drawLine(x - 6, y, x + barW + 6, y);
                String b = "bound " + format(r.boundTps()) + (offScale ? " (off scale)" : "");
                d.drawString(b, x + barW / 2 - fm.stringWidth(b) / 2, y - 3);
                d.dispose();
            }
            String text = r.error() != null
                    ? "failed"
                    : format(v) + (prompt ? "" : String.format(Locale.ROOT, " (%.0f%%)", 100 * r.fractionOfBound()));
            g.drawString(text, x + barW / 2 - fm.stringWidth(text) / 2, TOP + plotH - h - 4);
            // configuration name, rotated under the bar
            Graphics2D t = (Graphics2D) g.create();
            t.translate(x + barW / 2 + 4, TOP + plotH + 8);
            t.rotate(Math.toRadians(35));
            t.drawString(r.config(), 0, 0);
            t.dispose();
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(x0 + MARGIN, TOP + plotH, x0 + MARGIN + plotW, TOP + plotH);
        g.drawLine(x0 + MARGIN, TOP, x0 + MARGIN, TOP + plotH);
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String format(double v) {
        return v >= 100
                ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
