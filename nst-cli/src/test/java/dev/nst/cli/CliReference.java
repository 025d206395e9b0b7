package dev.nst.cli;

import dev.nst.core.model.cache.Environment;
import java.util.Map;
import picocli.CommandLine;

/**
 * docs/cli.md, made from the command model: every command's help, as {@code nst ... --help}
 * prints it at a fixed width of {@value #WIDTH} columns.
 */
final class CliReference {
  static final int WIDTH = 100;
  static final String REGENERATE = "./mvnw -B -q -pl nst-cli -am test -Dtest=CliReferenceTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dnst.cli.docs.update=true";

  private CliReference() {}

  static String markdown() {
    CommandLine cli = NstCommand.commandLine(new NstCommand(Environment.of(Map.of(), Map.of()), false));
    cli.setUsageHelpAutoWidth(false);
    cli.setUsageHelpWidth(WIDTH);
    StringBuilder md = new StringBuilder();
    md.append("# The nst command line\n\n")
        .append("<!-- Made from the command model (dev.nst.cli.NstCommand) and checked by CliReferenceTest;\n")
        .append("     do not edit by hand, regenerate with\n     ").append(REGENERATE).append(" -->\n\n")
        .append("Every command below takes `-h`/`--help` and `-V`/`--version`, and `-v`/`--verbose` for nst's\n")
        .append("log; a mistyped command or option gets the nearest ones suggested. `nst generate-completion`\n")
        .append("prints a bash/zsh completion script (`source <(bin/nst generate-completion)`); the build also\n")
        .append("writes it to `nst-cli/target/nst_completion`. The user guide (docs/guide.md) explains the options.\n\n");
    StringBuilder sections = new StringBuilder();
    append(cli, md, sections, 0);
    return md.append('\n').append(sections).toString();
  }

  private static void append(CommandLine command, StringBuilder contents, StringBuilder sections, int depth) {
    String name = command.getCommandSpec().qualifiedName();
    contents.append("  ".repeat(depth)).append("- [`").append(name).append("`](#")
        .append(name.replace(' ', '-')).append(")\n");
    sections.append("## ").append(name).append("\n\n```text\n").append(command.getUsageMessage().stripTrailing())
        .append("\n```\n\n");
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!sub.getCommandSpec().usageMessage().hidden()) {
        append(sub, contents, sections, depth + 1);
      }
    }
  }
}
