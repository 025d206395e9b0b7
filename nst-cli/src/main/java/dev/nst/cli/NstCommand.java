package dev.nst.cli;

import com.google.common.collect.ImmutableMap;
import dev.nst.api.BackendNotFoundException;
import dev.nst.api.BadImageException;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.MemoryBudgetException;
import dev.nst.api.ModelLoadException;
import dev.nst.api.NoBackendException;
import dev.nst.api.NstException;
import dev.nst.api.UnknownLayerException;
import dev.nst.core.model.cache.Environment;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code nst}: neural style transfer from the shell. Subcommands: {@code stylize}, {@code batch},
 * {@code video}, {@code models}, {@code backends}, {@code generate-completion} (a bash/zsh
 * completion script made from this command model), {@code help}; every command takes
 * {@code -h}/{@code --help} and {@code -V}/{@code --version}, and its help ends with the exit
 * codes below. A mistyped command or option gets the nearest ones suggested.
 */
@Command(name = "nst", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Neural style transfer (Gatys et al.) on the JVM.",
    subcommands = {StylizeCommand.class, BatchCommand.class, VideoCommand.class, ModelsCommand.class,
        BackendsCommand.class, AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class NstCommand {
  /** Exit codes a shell user can act on. */
  static final int BAD_INPUT = 3;
  static final int MODEL_PROBLEM = 4;
  static final int BACKEND_PROBLEM = 5;
  static final int RUN_FAILED = 6;
  static final int OUT_OF_MEMORY = 7;
  static final int SOME_FAILED = 8;
  /** What the JVM exits with after SIGINT (128 + 2), as shells expect; the run's hook writes the image first. */
  static final int INTERRUPTED = 130;

  /** What every command's help says about the exit codes; {@link #exitCode} is the mapping. */
  private static final ImmutableMap<String, String> EXIT_CODES = ImmutableMap.<String, String>builder()
      .put("0", "done")
      .put("1", "unexpected error (a bug: please report it with the message)")
      .put("2", "usage error: unknown option, missing or malformed argument")
      .put(String.valueOf(BAD_INPUT), "bad input: unreadable or too small image, output that cannot be written, "
          + "unknown layer, a size too large for the memory, option value the run rejects")
      .put(String.valueOf(MODEL_PROBLEM), "model problem: unknown, not downloadable, corrupt or unreadable")
      .put(String.valueOf(BACKEND_PROBLEM), "backend problem: none available, the named one missing, device "
          + "unavailable, a native library that does not load")
      .put(String.valueOf(RUN_FAILED), "the run failed (numerical failure, divergence, backend error); the best "
          + "image so far is written to the output when there is one")
      .put(String.valueOf(OUT_OF_MEMORY), "out of memory (Java heap or native); the best image so far is written "
          + "when there is one")
      .put(String.valueOf(SOME_FAILED), "batch: some images failed or were cancelled, the others are done "
          + "(see batch-report.json)")
      .put(String.valueOf(INTERRUPTED), "interrupted (Ctrl-C); the best image so far is written")
      .build();

  private final Environment environment;
  private final boolean terminal;
  private CliLogging logging;
  private final InputStream stdin;

  NstCommand(Environment environment, boolean terminal) {
    this(environment, terminal, System.in);
  }

  NstCommand(Environment environment, boolean terminal, InputStream stdin) {
    this.environment = environment;
    this.terminal = terminal;
    this.stdin = stdin;
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
    return execute(env, terminal, System.in, out, err, args);
  }

  /** {@link #execute(Environment, boolean, PrintWriter, PrintWriter, String...)} reading "-" from {@code stdin}. */
  static int execute(Environment env, boolean terminal, InputStream stdin, PrintWriter out, PrintWriter err,
      String... args) {
    NstCommand nst = new NstCommand(env, terminal, stdin);
    CommandLine cli = commandLine(nst);
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
    try (CliLogging quiet = CliLogging.quiet(cli.getErr())) {
      nst.logging = quiet;
      return cli.execute(args);
    } catch (Error e) {
      // picocli hands on Errors as they are; a user gets one line and a code, never a stack trace
      PrintWriter errors = cli.getErr();
      errors.println("nst: " + ErrorMessages.describe(e, Runtime.getRuntime().maxMemory()));
      errors.flush();
      return ErrorMessages.exitCode(e);
    }
  }

  /**
   * {@code --verbose}, on every command: nst's log down to DEBUG on standard error.
   *
   * @param verbose true when given
   */
  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Also print nst's log: the backend chosen, each scale's size and objective.")
  void verbose(boolean verbose) {
    if (verbose && logging != null) {
      logging.verbose();
    }
  }

  /**
   * The command model: every command with its options, exit codes and version; what the tool
   * runs, and what its completion script and docs/cli.md are made from.
   */
  static CommandLine commandLine(NstCommand nst) {
    CommandLine cli = new CommandLine(nst);
    CommandLine completion = cli.getSubcommands().get("generate-completion");
    completion.getCommandSpec().usageMessage().hidden(false)
        .description("Print a bash/zsh completion script for nst; to use it: source <(nst generate-completion)");
    completion.getCommandSpec().versionProvider(new VersionProvider());
    documentExitCodes(cli);
    return cli;
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

  /** Where a command reads "-" (standard input). */
  InputStream stdin() {
    return stdin;
  }

  /** The exit code for an exception a command threw (the table in {@link #EXIT_CODES}). */
  static int exitCode(Exception e) {
    if (e instanceof BadImageException || e instanceof UnknownLayerException || e instanceof IllegalArgumentException
        || e instanceof MemoryBudgetException) {
      return BAD_INPUT;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Error error) { // a run that failed on an Error it caught (the heap ran out)
        return ErrorMessages.exitCode(error);
      }
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
