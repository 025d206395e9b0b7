package dev.nst.cli;

import dev.nst.core.model.cache.DownloadListener;
import dev.nst.core.model.cache.DownloadProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Download progress on the console: a bar redrawn in place on a terminal, a few plain lines
 * otherwise (logs, CI), so that an 80 MB download never looks like a hang.
 */
final class DownloadBar implements DownloadListener {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final boolean terminal;
  private long lastDraw;
  private int lastTenth = -1;
  private String lastFile = "";
  private boolean drawn;

  DownloadBar(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public synchronized void onProgress(DownloadProgress p) {
    String file = p.model() + "/" + p.file();
    boolean first = !file.equals(lastFile);
    if (first) {
      lastFile = file;
      lastTenth = -1;
      if (!terminal && (p.fileIndex() == 1 || p.bytesTotal() >= 1 << 20)) {
        out.printf(Locale.ROOT, "fetching %s (%s, file %d of %d) from %s%n", file, size(p.bytesTotal()),
            p.fileIndex(), p.fileCount(), p.source());
      }
    }
    if (terminal) {
      long now = System.nanoTime();
      if (first || p.done() || now - lastDraw > 100_000_000L) {
        lastDraw = now;
        int filled = (int) Math.round(WIDTH * p.fraction());
        out.printf(Locale.ROOT, "\r%-40.40s [%s%s] %s / %s  (%d/%d) ", file, "#".repeat(filled),
            ".".repeat(WIDTH - filled), size(p.bytesDone()), size(p.bytesTotal()), p.fileIndex(), p.fileCount());
        drawn = true;
      }
      if (p.done() && p.fileIndex() == p.fileCount()) {
        out.println();
        drawn = false;
      }
    } else if (p.bytesTotal() >= 1 << 20) {
      int tenth = (int) (p.fraction() * 10);
      if (tenth > lastTenth && tenth > 0 && tenth < 10) {
        lastTenth = tenth;
        out.printf(Locale.ROOT, "  %d%% of %s%n", tenth * 10, p.file());
      }
    }
    if (!terminal && p.done() && p.fileIndex() == p.fileCount()) {
      out.printf(Locale.ROOT, "fetched %s: %d file%s%n", p.model(), p.fileCount(), p.fileCount() == 1 ? "" : "s");
    }
    out.flush();
  }

  /** Ends a bar left on the line (after a failure). */
  synchronized void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
    out.flush();
  }

  static String size(long bytes) {
    if (bytes >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    if (bytes >= 1_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    return bytes + " B";
  }
}
