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
 * each scale's size and objective). Every line goes to standard error as
 * {@code level: message}. Dependencies that log through SLF4J (ND4J, jhdf) stay silent: the
 * tool carries slf4j-nop.
 *
 * <p>java.util.logging's configuration is global: {@link #close()} puts back what it changed,
 * so that the tool run in-process (tests, embedding) leaves no trace.
 */
final class CliLogging implements AutoCloseable {
  // A strong reference: java.util.logging keeps its loggers weakly, and would forget the level.
  private final Logger nst = Logger.getLogger("dev.nst");
  private final Level nstLevel = nst.getLevel();
  private final boolean nstUsesParentHandlers = nst.getUseParentHandlers();
  private final Handler lines;

  private CliLogging(PrintWriter err) {
    lines = new Handler() {
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
  }

  /** nst's warnings and errors only, as {@code warning:} and {@code error:} lines on {@code err}. */
  static CliLogging quiet(PrintWriter err) {
    CliLogging logging = new CliLogging(err);
    logging.nst.setLevel(Level.WARNING);
    logging.nst.addHandler(logging.lines);
    logging.nst.setUseParentHandlers(false);
    return logging;
  }

  /** nst's lines down to DEBUG. */
  void verbose() {
    nst.setLevel(Level.FINE);
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
    nst.removeHandler(lines);
    lines.close();
    nst.setUseParentHandlers(nstUsesParentHandlers);
    nst.setLevel(nstLevel);
  }
}
