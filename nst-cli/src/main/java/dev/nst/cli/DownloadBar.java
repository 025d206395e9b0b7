package dev.nst.cli;

import dev.nst.core.model.cache.DownloadListener;
import dev.nst.core.model.cache.DownloadProgress;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;

/**
 * Download progress on the console, so that an 80 MB download never looks like a hang. On a
 * terminal: one bar redrawn in place, each drawing padded to the length of the one before so
 * that a shorter line leaves nothing of a longer one behind. Elsewhere (a log file, CI): one line
 * when a model's download starts and one when it ends, however many files it has.
 */
final class DownloadBar implements DownloadListener {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final boolean terminal;
  private long lastDraw;
  private String lastFile = "";
  private int lastLength;
  private boolean drawn;
  private long started;
  private long bytes;

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
      if (p.fileIndex() == 1) {
        started = System.nanoTime();
        bytes = 0;
        if (!terminal) {
          out.printf(Locale.ROOT, "fetching %s: %d file%s from %s%n", p.model(), p.fileCount(),
              p.fileCount() == 1 ? "" : "s", folder(p.source()));
        }
      }
      bytes += p.bytesTotal();
    }
    boolean last = p.done() && p.fileIndex() == p.fileCount();
    if (terminal) {
      long now = System.nanoTime();
      if (first || p.done() || now - lastDraw > 100_000_000L) {
        lastDraw = now;
        int filled = (int) Math.round(WIDTH * p.fraction());
        draw(String.format(Locale.ROOT, "%-40.40s [%s%s] %s / %s  (%d/%d)", file, "#".repeat(filled),
            ".".repeat(WIDTH - filled), size(p.bytesDone()), size(p.bytesTotal()), p.fileIndex(), p.fileCount()));
      }
      if (last) {
        out.println();
        drawn = false;
        lastLength = 0;
      }
    } else if (last) {
      out.printf(Locale.ROOT, "fetched %s: %d file%s, %s in %.1f s%n", p.model(), p.fileCount(),
          p.fileCount() == 1 ? "" : "s", size(bytes), (System.nanoTime() - started) / 1e9);
    }
    out.flush();
  }

  /** Redraws the bar's line in place, blanking what a longer line before it left. */
  private void draw(String line) {
    out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    lastLength = line.length();
    drawn = true;
  }

  /** Ends a bar left on the line (after a failure). */
  synchronized void finish() {
    if (drawn) {
      out.println();
      drawn = false;
      lastLength = 0;
    }
    out.flush();
  }

  /** The folder a file is fetched from: the URI without its last segment. */
  private static URI folder(URI source) {
    try {
      return source.resolve(".");
    } catch (IllegalArgumentException e) {
      return source;
    }
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
