package dev.nst.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the tool prints of nst's log ({@link System.Logger}, which the JDK sends to
 * java.util.logging). Quiet by default: warnings and errors only, since the progress bar and the
 * closing line say what a routine run did, and the run's notices come as {@code note:} lines
 * through its listener. {@code --verbose} adds nst's INFO and DEBUG lines (the backend chosen,
 * each scale's size and objective) on standard error, one line each. Dependencies that log
 * through SLF4J (ND4J, jhdf) stay silent: the tool carries slf4j-nop.
 *
 * <p>java.util.logging's configuration is global: {@link #close()} puts back what it changed,
 * so that the tool run in-process (tests, embedding) leaves no trace.
 */
final class CliLogging implements AutoCloseable {
  // A strong reference: java.util.logging keeps its loggers weakly, and would forget the level.
  private final Logger nst = Logger.getLogger("dev.nst");
  private final Level nstLevel = nst.getLevel();
  private final boolean nstUsesParentHandlers = nst.getUseParentHandlers();
  private final PrintWriter err;
  private Handler verbose;

  private CliLogging(PrintWriter err) {
    this.err = err;
  }

  /** nst's warnings and errors only. */
  static CliLogging quiet(PrintWriter err) {
    CliLogging logging = new CliLogging(err);
    logging.nst.setLevel(Level.WARNING);
    return logging;
  }

  /** nst's lines down to DEBUG, written to {@code err}. */
  void verbose() {
    if (verbose != null) {
      return;
    }
    verbose = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (isLoggable(r)) {
          err.println(label(r.getLevel()) + ": " + new SimpleFormatter().formatMessage(r)
              + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")"));
          err.flush();
        }
      }

      @Override
      public void flush() {
        err.flush();
      }

      @Override
      public void close() {
        flush();
      }
    };
    verbose.setLevel(Level.ALL);
    nst.setLevel(Level.FINE);
    nst.addHandler(verbose);
    nst.setUseParentHandlers(false);
  }

  /** The level as a lower-case word: System.Logger's DEBUG arrives as FINE. */
  static String label(Level level) {
    if (level.intValue() >= Level.SEVERE.intValue()) {
      return "error";
    }
    if (level.intValue() >= Level.WARNING.intValue()) {
      return "warning";
    }
    if (level.intValue() >= Level.INFO.intValue()) {
      return "info";
    }
    return level.intValue() >= Level.FINE.intValue() ? "debug" : level.getName().toLowerCase(Locale.ROOT);
  }

  /** Puts back the levels and handlers it changed. */
  @Override
  public void close() {
    if (verbose != null) {
      nst.removeHandler(verbose);
      verbose.close();
    }
    nst.setUseParentHandlers(nstUsesParentHandlers);
    nst.setLevel(nstLevel);
  }
}
