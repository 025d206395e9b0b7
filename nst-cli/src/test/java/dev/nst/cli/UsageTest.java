package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Device;
import dev.nst.core.Preset;
import dev.nst.core.color.ColorControl;
import dev.nst.core.model.cache.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Help, version and usage errors: everything decided before a run starts. */
class UsageTest {
  @TempDir
  Path tmp;

  /** The outcome of one CLI run. */
  record Run(int code, String out, String err) {}

  Run nst(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of("NST_CACHE_DIR", tmp.toString())), false,
        new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The stylize command as parsed from {@code args}, without running it. */
  StylizeCommand parse(String... args) {
    CommandLine cli = new CommandLine(new NstCommand(Environment.of(Map.of(), Map.of()), false));
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    return (StylizeCommand) parsed.subcommand().commandSpec().userObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void stylizeHelpExitsZeroAlthoughRequiredArgumentsAreMissing(String help) {
    Run r = nst("stylize", help);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).startsWith("Usage: nst stylize CONTENT STYLE... -o FILE [OPTIONS]");
    String flat = r.out().replaceAll("\\s+", " "); // independent of where the help wraps
    assertThat(flat).contains("--device=DEVICE auto, cpu, gpu (default auto).")
        .contains("--pooling=POOLING max, avg (default max).")
        .contains("--optimizer=OPTIMIZER lbfgs, adam (default: the preset's; adam for quality, lbfgs for the others).")
        .contains("implementation: classic, neural-style-lua, pytorch-tutorial, tensorflow-tutorial, quality "
            + "(default quality:")
        .contains("--style-loss=LOSS Style loss: gram, w2, histogram")
        .contains("--padding=MODE How the first convolution pads the image: zeros, replicate, reflect")
        .contains("Colour control: none, keep-content, luminance-only, match-style.")
        .contains("weights: torch, caffe, unit (default")
        .contains("--backend=NAME Backend: onnx, nd4j (see 'nst backends')")
        .contains("A registered model (vgg19, vgg16, darknet-tiny;");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "stylize", "batch", "video", "models", "models list", "models pull", "models verify",
      "backends"})
  void everyCommandHasHelpWithTheExitCodes(String command) {
    Run r = nst(help(command));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: nst" + (command.isEmpty() ? "" : " " + command))
        .contains("-h, --help")
        .contains("-V, --version");
    String codes = r.out().substring(r.out().indexOf("Exit codes:")).replaceAll("\\s+", " ");
    assertThat(codes).startsWith("Exit codes: 0 done 1 unexpected error")
        .contains(" 2 usage error")
        .contains(" 3 bad input: unreadable or too small image, output that cannot be written, unknown layer, a size "
            + "too large for the memory")
        .contains(" 4 model problem")
        .contains(" 5 backend problem")
        .contains(" 6 the run failed (numerical failure, divergence, backend error); the best image so far is written")
        .contains(" 7 out of memory (Java heap or native)")
        .contains(" 8 batch: some images failed")
        .contains(" 130 interrupted (Ctrl-C); the best image so far is written");
  }

  /**
   * Every description formats: picocli formats them as {@code String.format} patterns, and one
   * with a bare percent sign falls back to its raw text with a warning that picocli prints to the
   * process's stderr, not the command's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "stylize", "batch", "video", "models", "models list", "models pull", "models verify",
      "backends"})
  void everyHelpTextFormats(String command) {
    String[] args = help(command);
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    Run r;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      r = nst(args);
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).as("picocli's own warnings").isEmpty();
    assertThat(r.out()).doesNotContain("%n");
    if (command.equals("stylize") || command.equals("batch")) {
      assertThat(r.out().replaceAll("\\s+", " ")).contains("(default: 60% of this machine's memory)");
    }
  }

  /** The arguments of {@code command --help} ("" for the top-level command). */
  private static String[] help(String command) {
    String[] words = command.isEmpty() ? new String[0] : command.split(" ");
    String[] args = java.util.Arrays.copyOf(words, words.length + 1);
    args[words.length] = "--help";
    return args;
  }

  @Test
  void helpCommandStillWorks() {
    Run r = nst("help", "stylize");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: nst stylize CONTENT STYLE...");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V", "stylize --version", "models -V", "backends --version"})
  void versionComesFromTheBuild(String command) {
    Run r = nst(command.split(" "));
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).isEqualTo("nst " + System.getProperty("nst.version"));
    assertThat(lines[1]).startsWith("Java " + System.getProperty("java.version") + " (");
    assertThat(lines[2]).isEqualTo("backends: onnx, nd4j");
    assertThat(lines[3]).matches("libraries: ONNX Runtime \\d+\\.\\d+\\.\\d+, ND4J \\d+\\.\\d+\\.\\d+.*");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "--device; x; [auto, cpu, gpu]",
      "--pooling; maximum; [max, avg]",
      "--color; keep; [none, keep-content, luminance-only, match-style]",
      "--preset; lua; [classic, neural-style-lua, pytorch-tutorial, tensorflow-tutorial, quality]",
      "--optimizer; sgd; [lbfgs, adam]",
      "--style-loss; wasserstein; [gram, w2, histogram]",
      "--padding; edge; [zeros, replicate, reflect]",
      "--convention; bgr; [torch, caffe, unit]"})
  void aBadChoiceIsAUsageErrorListingTheChoices(String option, String value, String choices) {
    Run r = nst("stylize", "c.png", "s.png", "-o", tmp.resolve("o.png").toString(), option, value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("Invalid value for option '" + option + "': expected one of " + choices
        + " (case-insensitive) but was '" + value + "'\nTry 'nst stylize --help' for more information.");
  }

  @Test
  void memorySizesParseAndBadOnesAreUsageErrors() {
    assertThat(parse("stylize", "c.png", "s.png", "-o", "o.png", "--memory", "8g").transfer.memory).isEqualTo(8L << 30);
    assertThat(parse("stylize", "c.png", "s.png", "-o", "o.png", "--memory", "1500M").transfer.memory).isEqualTo(1500L << 20);
    assertThat(parse("stylize", "c.png", "s.png", "-o", "o.png", "--memory", "20GiB").transfer.memory).isEqualTo(20L << 30);
    assertThat(parse("stylize", "c.png", "s.png", "-o", "o.png", "--memory", "0").transfer.memory).isZero();
    Run r = nst("stylize", "c.png", "s.png", "-o", "o.png", "--memory", "lots");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'lots' is not a memory size");
  }

  @Test
  void theDeviceMessageReadsAsDocumented() {
    Run r = nst("stylize", "c.png", "s.png", "-o", "o.png", "--device", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().findFirst()).hasValue(
        "Invalid value for option '--device': expected one of [auto, cpu, gpu] (case-insensitive) but was 'x'");
  }

  @Test
  void choicesIgnoreCaseAndMapToTheLibraryValues() {
    StylizeCommand s = parse("stylize", "c.png", "s.png", "-o", "o.png", "--device", "GPU", "--pooling", "average",
        "--color", "Keep-Content", "--preset", "NEURAL-style-lua", "--optimizer", "Adam", "--convention", "caffe");
    assertThat(s.transfer.device).isEqualTo(Device.GPU);
    assertThat(s.transfer.pooling).isEqualTo(Pooling.AVERAGE);
    assertThat(s.transfer.color).isEqualTo(ColorControl.KEEP_CONTENT_COLORS);
    assertThat(s.transfer.preset).isEqualTo(Preset.NEURAL_STYLE_LUA);
    assertThat(s.transfer.optimizer).isEqualTo(Choices.OptimizerKind.ADAM);
    assertThat(s.transfer.convention).isEqualTo(InputConvention.CAFFE);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    StylizeCommand s = parse("stylize", "c.png", "s.png", "-o", "o.png");
    assertThat(s.transfer.device).isEqualTo(Device.AUTO);
    assertThat(s.transfer.pooling).isEqualTo(Pooling.MAX);
    assertThat(s.transfer.color).isEqualTo(ColorControl.NONE);
    // unset: the preset's own (quality for stylize, see StylizeCommand)
    assertThat(s.transfer.preset).isNull();
    assertThat(s.transfer.optimizer).isNull();
    assertThat(s.transfer.styleLoss).isNull();
    assertThat(s.transfer.padding).isNull();
    assertThat(s.transfer.average).isNull();
    assertThat(s.transfer.convention).isNull();
  }

  @Test
  void layerListsTakeOptionalWeights() {
    StylizeCommand s = parse("stylize", "c.png", "s.png", "-o", "o.png",
        "--style-layers", "relu1_1:0.5, relu2_1 ,relu3_1:2e-1", "--content-layers", "relu4_2");
    assertThat(LayerOption.weights(s.transfer.styleLayers, 1.0 / 3)).containsExactly(
        new LayerWeight("relu1_1", 0.5), new LayerWeight("relu2_1", 1.0 / 3), new LayerWeight("relu3_1", 0.2));
    assertThat(LayerOption.weights(s.transfer.contentLayers, 1)).containsExactly(new LayerWeight("relu4_2", 1));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "--style-layers; relu1_1:abc; the weight 'abc' of layer relu1_1 is not a number",
      "--content-layers; relu4_2:; the weight '' of layer relu4_2 is not a number",
      "--style-layers; relu1_1:-0.5; the weight -0.5 of layer relu1_1 is not a finite number >= 0",
      "--style-layers; relu1_1:NaN; the weight NaN of layer relu1_1 is not a finite number >= 0",
      "--content-layers; :1; ':1' names no layer"})
  void aBadLayerEntryIsAUsageErrorNamingTheOption(String option, String value, String problem) {
    Run r = nst("stylize", "c.png", "s.png", "-o", "o.png", option, "relu2_1," + value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("Invalid value for option '" + option + "' (LAYER[:WEIGHT]): " + problem
        + "; write LAYER or LAYER:WEIGHT with a number >= 0 as the weight, e.g. relu1_1:0.2\n");
    assertThat(r.err()).doesNotContain("For input string");
  }

  @Test
  void aMistypedOptionSuggestsTheRightOne() {
    Run r = nst("stylize", "c.png", "s.png", "-o", "o.png", "--poolin", "avg");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--poolin'").contains("Possible solutions: --pooling")
        .contains("Try 'nst stylize --help' for more information.");
  }

  @Test
  void missingArgumentsAreNamed() {
    Run r = nst("stylize", "c.png");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("Missing required options and parameters: '--output=FILE', 'STYLE'");
  }
}
