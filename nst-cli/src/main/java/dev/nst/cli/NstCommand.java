package dev.nst.cli;

import dev.nst.api.BackendNotFoundException;
import dev.nst.api.BadImageException;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.ModelLoadException;
import dev.nst.api.NoBackendException;
import dev.nst.api.NstException;
import dev.nst.api.UnknownLayerException;
import dev.nst.core.model.cache.Environment;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nst}: neural style transfer from the shell. */
@Command(name = "nst", mixinStandardHelpOptions = true, version = "nst 0.1.0-SNAPSHOT",
    description = "Neural style transfer (Gatys et al.) on the JVM.",
    subcommands = {StylizeCommand.class, ModelsCommand.class, BackendsCommand.class, CommandLine.HelpCommand.class})
public final class NstCommand {
  /** Exit codes a shell user can act on. */
  static final int BAD_INPUT = 3;
  static final int MODEL_PROBLEM = 4;
  static final int BACKEND_PROBLEM = 5;
  static final int RUN_FAILED = 6;

  private final Environment environment;
  private final boolean terminal;

  NstCommand(Environment environment, boolean terminal) {
    this.environment = environment;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    // One short line per log record instead of java.util.logging's two-line default.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int execute(String... args) {
    return execute(Environment.system(), System.console() != null, null, null, args);
  }

  /**
   * Runs the CLI with the given settings lookup (NST_CACHE_DIR, NST_MODEL_MIRROR, ...) and
   * streams (null: standard output and error); for tests and embedding.
   */
  static int execute(Environment env, boolean terminal, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new NstCommand(env, terminal));
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("nst: " + e.getMessage());
      cmd.getErr().flush();
      return exitCode(e);
    });
    return cli.execute(args);
  }

  /** Where subcommands read settings such as NST_CACHE_DIR. */
  Environment environment() {
    return environment;
  }

  /** True when standard error is a terminal, so progress bars may redraw in place. */
  boolean terminal() {
    return terminal;
  }

  static int exitCode(Exception e) {
    if (e instanceof BadImageException || e instanceof UnknownLayerException || e instanceof IllegalArgumentException) {
      return BAD_INPUT;
    }
    if (e instanceof ModelLoadException) {
      return MODEL_PROBLEM;
    }
    if (e instanceof NoBackendException || e instanceof BackendNotFoundException || e instanceof DeviceUnavailableException) {
      return BACKEND_PROBLEM;
    }
    if (e instanceof NstException) {
      return RUN_FAILED;
    }
    return 1;
  }
}
