package dev.nst.cli;

import dev.nst.api.LossBreakdown;
import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.api.TileProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line progress bar with iteration, loss and ETA; plain lines when not on a terminal. The
 * run's notices (tiles, a shorter L-BFGS history, coarse to fine) become {@code note:} lines,
 * whether or not the log is verbose.
 */
final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final boolean terminal;
  private final int printEvery;
  private boolean drawn;
  private ProgressEvent last;
  private long lastTileLine = System.nanoTime();

  ProgressBar(PrintWriter out, boolean terminal, int printEvery) {
    this.out = out;
    this.terminal = terminal;
    this.printEvery = printEvery;
  }

  /**
   * Inside a tiled evaluation: on a terminal the bar shows the tile; in a log, a line at most
   * every {@value #TILE_LINE_SECONDS} seconds, so that a long evaluation still shows movement.
   */
  @Override
  public void onTile(TileProgress t) {
    String where = String.format(Locale.ROOT, "%dx%d iteration %d/%d: %s pass, tile %d/%d", t.width(), t.height(),
        t.iteration(), t.iterations(), t.pass() == 1 ? "statistics" : "gradient", t.tile(), t.tiles());
    String eta = last == null ? "" : "  ETA " + format(last.estimatedRemaining());
    if (terminal) {
      out.printf(Locale.ROOT, "\r%-" + (WIDTH + 50) + "s", where + eta);
      drawn = true;
      out.flush();
    } else if (System.nanoTime() - lastTileLine > TILE_LINE_SECONDS * 1_000_000_000L) {
      out.println(where + eta);
      out.flush();
      lastTileLine = System.nanoTime();
    }
  }

  private static final long TILE_LINE_SECONDS = 10;

  @Override
  public void onProgress(ProgressEvent e) {
    last = e;
    LossBreakdown l = e.losses();
    if (printEvery > 0 && e.iteration() % printEvery == 0) {
      clear();
      out.printf(Locale.ROOT, "iteration %d/%d: total %.5g  content %.5g  style %.5g  tv %.5g%n",
          e.iteration(), e.iterations(), l.total(), l.content(), l.style(), l.totalVariation());
    }
    if (terminal) {
      int done = (int) ((long) WIDTH * e.iteration() / Math.max(1, e.iterations()));
      out.printf(Locale.ROOT, "\r[%s%s] %d/%d  loss %.4g  ETA %s ", "#".repeat(done), ".".repeat(WIDTH - done),
          e.iteration(), e.iterations(), l.total(), format(e.estimatedRemaining()));
      drawn = true;
    } else if (printEvery == 0 && (e.iteration() % Math.max(1, e.iterations() / 10) == 0 || e.iteration() == 1)) {
      out.printf(Locale.ROOT, "%d/%d  loss %.4g  ETA %s%n", e.iteration(), e.iterations(), l.total(),
          format(e.estimatedRemaining()));
    }
    out.flush();
  }

  @Override
  public void onNotice(String notice) {
    clear();
    out.println("note: " + notice);
    out.flush();
  }

  private void clear() {
    if (drawn) {
      out.print("\r" + " ".repeat(WIDTH + 50) + "\r");
      drawn = false;
    }
  }

  void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
    out.flush();
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
