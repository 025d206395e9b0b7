package dev.nst.cli;

import dev.nst.api.CancellationToken;
import dev.nst.core.Preset;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.image.OutputFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nst stylize CONTENT STYLE... -o OUT.png}: every builder option on the command line ({@link TransferOptions}). */
@Command(name = "stylize", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, customSynopsis = "nst stylize CONTENT STYLE... -o FILE [OPTIONS]",
    description = "Paint CONTENT in the style of STYLE (several styles blend).")
final class StylizeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  NstCommand nst;

  @Parameters(index = "0", paramLabel = "CONTENT",
      description = "Content image (PNG, JPEG, WebP, TIFF, BMP, GIF; a file, a named pipe, or - for standard input).")
  Path content;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "STYLE",
      description = "Style image(s); one of CONTENT and STYLE may be - (standard input).")
  List<Path> styles;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Output PNG or JPEG (written atomically).")
  Path output;

  @Option(names = "--jpeg-quality", paramLabel = "PERCENT",
      description = "Quality of a .jpg/.jpeg output, 1 to 100 (default 95).")
  Integer jpegQuality;

  @Mixin
  TransferOptions transfer;

  @Option(names = "--style-blend-weights", split = ",", paramLabel = "WEIGHT",
      description = "One weight per style image (default equal).")
  List<Double> blendWeights;

  @Option(names = "--style-masks", split = ",", paramLabel = "MASK",
      description = "Spatial control: one grey mask over the content per style "
      + "(white = apply that style there), or 'none' for a style that covers everything.")
  List<String> styleMasks;

  @Option(names = "--save-every", paramLabel = "N", defaultValue = "0",
      description = "Write the current image every N iterations (0 = never).")
  int saveEvery;

  @Option(names = "--print-every", paramLabel = "N", defaultValue = "0",
      description = "Print the loss terms every N iterations (0 = progress bar only).")
  int printEvery;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    // What can be checked without the model, first: a bad -o fails now, not after minutes of optimising.
    OutputFiles.formatProblem(output).ifPresent(p -> {
      throw new IllegalArgumentException("cannot write the output image " + output + ": " + p);
    });
    OutputFiles.checkWritable(output);
    Stdin stdin = new Stdin(spec, nst.stdin(), content, styles);
    DownloadBar downloads = new DownloadBar(err, nst.terminal());
    StyleTransfer.Builder b = transfer.applyTo(StyleTransfer.builder(), nst, downloads, Preset.QUALITY);
    stdin.content(b, content).output(output).saveEvery(saveEvery);
    if (jpegQuality != null) {
      String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!name.endsWith(".jpg") && !name.endsWith(".jpeg")) {
        throw new ParameterException(spec.commandLine(),
            "--jpeg-quality applies to a .jpg or .jpeg output, not " + output.getFileName() + " (PNG is lossless)");
      }
      if (jpegQuality < 1 || jpegQuality > 100) {
        throw new ParameterException(spec.commandLine(), "--jpeg-quality must be 1 to 100, got " + jpegQuality);
      }
      b.jpegQuality(jpegQuality / 100f);
    }
    for (int i = 0; i < styles.size(); i++) {
      double w = blendWeights == null ? 1.0 : blendWeights.get(Math.min(i, blendWeights.size() - 1));
      String mask = styleMasks == null || i >= styleMasks.size() ? "none" : styleMasks.get(i);
      stdin.style(b, styles.get(i), w, mask.equals("none") ? null : Path.of(mask));
    }
    // Ctrl-C: cancel, and hold the JVM until the best image so far is written.
    CancellationToken token = new CancellationToken();
    InterruptGuard guard = new InterruptGuard(token);
    ProgressBar bar = new ProgressBar(err, nst.terminal(), printEvery);
    b.listener(bar).cancellation(token);
    try {
      StyleTransferResult r;
      try {
        r = b.build().run();
      } finally {
        downloads.finish();
        bar.finish();
      }
      report(err, r);
    } finally {
      // only now may a Ctrl-C end the JVM: the image and the line saying where it went are out
      guard.release();
    }
    return 0;
  }

  /** The line that says where the image went: after a whole run, or after Ctrl-C. */
  private void report(PrintWriter err, StyleTransferResult r) {
    if (r.cancelled() && r.bestIteration() == 0) {
      err.printf(Locale.ROOT, "interrupted before the first iteration ended: wrote the starting image to %s%n",
          output);
    } else if (r.cancelled()) {
      err.printf(Locale.ROOT, "interrupted: wrote the best image so far (iteration %d) to %s%n", r.bestIteration(),
          output);
    } else {
      err.printf(Locale.ROOT, "wrote %s (%dx%d) in %.1f s: %d iterations, %.0f ms each on %s; loss %.4g -> %.4g%n",
          output, r.image().getWidth(), r.image().getHeight(),
          (r.setupTime().toMillis() + r.optimisationTime().toMillis()) / 1000.0, r.iterations(),
          r.timePerIteration().toNanos() / 1e6, r.backend(), r.initialLoss().total(), r.bestLoss().total());
    }
    err.flush();
  }
}
