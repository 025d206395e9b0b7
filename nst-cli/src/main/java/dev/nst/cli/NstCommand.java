package dev.nst.cli;

import com.google.common.collect.ImmutableMap;
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

/**
 * {@code nst}: neural style transfer from the shell. Subcommands: {@code stylize}, {@code video},
 * {@code models}, {@code backends}, {@code help}; every command takes {@code -h}/{@code --help} and
 * {@code -V}/{@code --version}, and its help ends with the exit codes below.
 */
@Command(name = "nst", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Neural style transfer (Gatys et al.) on the JVM.",
    subcommands = {StylizeCommand.class, VideoCommand.class, ModelsCommand.class, BackendsCommand.class,
        CommandLine.HelpCommand.class})
public final class NstCommand {
  /** Exit codes a shell user can act on. */
  static final int BAD_INPUT = 3;
  static final int MODEL_PROBLEM = 4;
  static final int BACKEND_PROBLEM = 5;
  static final int RUN_FAILED = 6;

  /** What every command's help says about the exit codes; {@link #exitCode} is the mapping. */
  private static final ImmutableMap<String, String> EXIT_CODES = ImmutableMap.of(
      "0", "done",
      "1", "unexpected error (a bug: please report it with the message)",
      "2", "usage error: unknown option, missing or malformed argument",
      String.valueOf(BAD_INPUT), "bad input: unreadable image, unknown layer, option value the run rejects",
      String.valueOf(MODEL_PROBLEM), "model problem: unknown, not downloadable, corrupt or unreadable",
      String.valueOf(BACKEND_PROBLEM), "backend problem: none available, the named one missing, device unavailable",
      String.valueOf(RUN_FAILED), "the run failed (numerical failure, divergence, backend error)");

  private final Environment environment;
  private final boolean terminal;

  NstCommand(Environment environment, boolean terminal) {
    this.environment = environment;
    this.terminal = terminal;
  }

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the command line, e.g. {@code stylize photo.jpg painting.jpg -o out.png}
   */
  public static void main(String[] args) {
    // One short line per log record instead of java.util.logging's two-line default.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    System.exit(execute(args));
  }

  /**
   * Runs the command line without exiting, with the JVM's environment and standard streams.
   *
   * @param args the command line
   * @return the exit code (0 done; see {@code nst --help} for the others)
   */
  public static int execute(String... args) {
    return execute(Environment.system(), System.console() != null, null, null, args);
  }

  /**
   * Runs the CLI with the given settings lookup (NST_CACHE_DIR, NST_MODEL_MIRROR, ...) and
   * streams (null: standard output and error); for tests and embedding.
   */
  static int execute(Environment env, boolean terminal, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new NstCommand(env, terminal));
    documentExitCodes(cli);
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    // A usage error: the message and where to find help, not the whole help page (which buries the message).
    cli.setParameterExceptionHandler((e, badArgs) -> {
      CommandLine command = e.getCommandLine();
      PrintWriter errors = command.getErr();
      errors.println(e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, errors);
      errors.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
      errors.flush();
      return command.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("nst: " + (e.getMessage() == null ? e : e.getMessage()));
      cmd.getErr().flush();
      return exitCode(e);
    });
    return cli.execute(args);
  }

  private static void documentExitCodes(CommandLine command) {
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    command.getSubcommands().values().forEach(NstCommand::documentExitCodes);
  }

  /** Where subcommands read settings such as NST_CACHE_DIR. */
  Environment environment() {
    return environment;
  }

  /** True when standard error is a terminal, so progress bars may redraw in place. */
  boolean terminal() {
    return terminal;
  }

  /** The exit code for an exception a command threw (the table in {@link #EXIT_CODES}). */
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
