package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.model.cache.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is made from the command model: docs/cli.md, the completion script, suggestions. */
class CliReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "cli.md");

  @Test
  void docsCliMdIsTheCommandModel() throws IOException {
    String made = CliReference.markdown();
    if (Boolean.getBoolean("nst.cli.docs.update")) {
      Files.writeString(DOC, made);
    }
    assertThat(DOC).exists();
    assertThat(Files.readString(DOC))
        .as("docs/cli.md differs from the command model; regenerate it with " + CliReference.REGENERATE)
        .isEqualTo(made);
  }

  @Test
  void theReferenceHasEveryCommandAndOption() {
    String md = CliReference.markdown();
    assertThat(md).contains("## nst stylize", "## nst models pull", "## nst backends", "## nst generate-completion",
        "--jpeg-quality=PERCENT", "-v, --verbose", "Exit codes:");
  }

  @Test
  void theCompletionScriptCompletesCommandsAndOptions() {
    StringWriter out = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of()), false, new PrintWriter(out),
        new PrintWriter(new StringWriter()), "generate-completion");
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_nst -o default nst")
        .contains("stylize", "models", "backends")
        .contains("--jpeg-quality", "--backend");
  }

  @Test
  void aMistypedCommandSuggestsTheRightOne() {
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of()), false, new PrintWriter(new StringWriter()),
        new PrintWriter(err), "stylise", "a.jpg");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Did you mean: nst stylize?");
  }
}
