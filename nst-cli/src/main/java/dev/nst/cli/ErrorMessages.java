package dev.nst.cli;

import java.util.Locale;

/**
 * One line and an exit code for every {@link Error} that reaches the command line: the JVM out
 * of memory, a native library that does not load, a stack overflow. These are not nst's
 * exceptions, so their messages say nothing about what to do; these lines do.
 */
final class ErrorMessages {
  private ErrorMessages() {}

  /**
   * What happened and what to do, in one line (without the "nst: " prefix).
   *
   * @param e the error
   * @param maxHeap the JVM's heap limit in bytes ({@link Runtime#maxMemory()}), for the message
   * @return the line
   */
  static String describe(Error e, long maxHeap) {
    String detail = oneLine(e);
    if (e instanceof OutOfMemoryError) {
      return String.format(Locale.ROOT, "out of memory (%s; the Java heap limit is %.1f GiB): raise it with "
          + "NST_JAVA_OPTS=-Xmx<size> for bin/nst (or java -Xmx<size>), or use a smaller --size", detail, maxHeap / (double) (1L << 30));
    }
    if (e instanceof StackOverflowError) {
      return "the stack overflowed (" + detail + "): this is a bug, please report it with the command line; "
          + "a larger stack (NST_JAVA_OPTS=-Xss8m) may get past it";
    }
    if (e instanceof LinkageError) {
      return "a class or native library could not be loaded (" + detail + "): the jar may be built for another "
          + "platform or be incomplete; 'nst backends' shows what loads here, and --backend picks another backend";
    }
    return "the Java runtime failed (" + detail + "): this is a bug or a broken installation, please report it "
        + "with the command line";
  }

  /**
   * The exit code of {@code e}: out of memory 7, a library that does not load 5 (a backend
   * problem), anything else 1 (unexpected).
   *
   * @param e the error
   * @return the exit code
   */
  static int exitCode(Error e) {
    if (e instanceof OutOfMemoryError) {
      return NstCommand.OUT_OF_MEMORY;
    }
    if (e instanceof LinkageError) {
      return NstCommand.BACKEND_PROBLEM;
    }
    return 1;
  }

  /** The error's class and message on one line. */
  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    String name = e.getClass().getSimpleName();
    return m == null || m.isBlank() ? name : name + ": " + m.replaceAll("\\s+", " ").trim();
  }
}
