package dev.nst.cli;

import dev.nst.api.CancellationToken;
import dev.nst.core.Init;
import dev.nst.core.Scales;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.image.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nst stylize CONTENT STYLE... -o OUT.png}: every builder option on the command line; those it
 * shares with {@code nst video} are declared once in {@link TransferOptions}.
 */
@Command(name = "stylize", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, customSynopsis = "nst stylize CONTENT STYLE... -o FILE [OPTIONS]",
    description = "Paint CONTENT in the style of STYLE (several styles blend).")
final class StylizeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  NstCommand nst;

  @Parameters(index = "0", paramLabel = "CONTENT", description = "Content image (PNG, JPEG).")
  Path content;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "STYLE", description = "Style image(s).")
  List<Path> styles;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Output PNG or JPEG (written atomically).")
  Path output;

  @Mixin
  TransferOptions transfer;

  @Option(names = "--style-masks", split = ",", paramLabel = "MASK",
      description = "Spatial control: one grey mask over the content per style "
      + "(white = apply that style there), or 'none' for a style that covers everything.")
  List<String> styleMasks;

  @Option(names = "--init", paramLabel = "INIT", defaultValue = "content",
      description = "content, noise, or an image file (default ${DEFAULT-VALUE}).")
  String init;

  @Option(names = "--scales", split = ",", paramLabel = "PIXELS",
      description = "Coarse-to-fine long sides, e.g. 256,512 (overrides --size).")
  List<Integer> scales;

  @Option(names = "--scale-iterations", split = ",", paramLabel = "N",
      description = "Iterations per scale, e.g. 200,50 (default: -n at each).")
  List<Integer> scaleIterations;

  @Option(names = "--save-every", paramLabel = "N", defaultValue = "0",
      description = "Write the current image every N iterations (0 = never).")
  int saveEvery;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    DownloadBar downloads = new DownloadBar(err, nst.terminal());
    StyleTransfer.Builder b = transfer.builder(nst, downloads);
    b.content(content).output(output).saveEvery(saveEvery);
    if (scales != null) {
      List<Integer> its = new ArrayList<>();
      for (int i = 0; i < scales.size(); i++) {
        its.add(scaleIterations == null ? transfer.iterations
            : scaleIterations.get(Math.min(i, scaleIterations.size() - 1)));
      }
      b.scales(new Scales(scales, its));
    }
    for (int i = 0; i < styles.size(); i++) {
      double w = transfer.blendWeight(i);
      String mask = styleMasks == null || i >= styleMasks.size() ? "none" : styleMasks.get(i);
      if (mask.equals("none")) {
        b.style(styles.get(i), w);
      } else {
        b.style(styles.get(i), w, Path.of(mask));
      }
    }
    b.init(switch (init) {
      case "content" -> Init.content();
      case "noise" -> Init.noise();
      default -> Init.image(Images.read(Path.of(init)));
    });
    // Ctrl-C: cancel, and hold the JVM until the best image so far is written.
    CancellationToken token = new CancellationToken();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      token.cancel();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    ProgressBar bar = new ProgressBar(err, nst.terminal(), transfer.printEvery);
    b.listener(bar).cancellation(token);
    StyleTransferResult r;
    try {
      r = b.build().run();
    } finally {
      downloads.finish();
      bar.finish();
      finished.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down (Ctrl-C): the hook lets it go now
    }
    err.printf(Locale.ROOT, "wrote %s (%dx%d) in %.1f s: %d iterations, %.0f ms each on %s; loss %.4g -> %.4g%s%n",
        output, r.image().getWidth(), r.image().getHeight(),
        (r.setupTime().toMillis() + r.optimisationTime().toMillis()) / 1000.0, r.iterations(),
        r.timePerIteration().toNanos() / 1e6, r.backend(), r.initialLoss().total(), r.bestLoss().total(),
        r.cancelled() ? " (cancelled)" : "");
    return 0;
  }
}
