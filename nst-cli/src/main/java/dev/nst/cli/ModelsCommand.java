package dev.nst.cli;

import dev.nst.core.model.cache.FileCheck;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nst models list|pull|verify}: the registered models and the local cache. */
@Command(name = "models", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"The registered models and the model cache.",
    "Cache: ~/.cache/nst, or NST_CACHE_DIR / -Dnst.cache.dir. Mirror: NST_MODEL_MIRROR / -Dnst.model.mirror "
        + "(a directory or URL laid out as <mirror>/<model>/<file>). NST_OFFLINE=1 / -Dnst.offline=true forbids "
        + "the network."},
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Pull.class, ModelsCommand.Verify.class,
        CommandLine.HelpCommand.class})
final class ModelsCommand implements Callable<Integer> {
  @ParentCommand
  NstCommand nst;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }

  ModelStore store(DownloadBar bar) {
    return ModelStore.builder(nst.environment()).listener(bar).build();
  }

  ModelStore store() {
    return ModelStore.builder(nst.environment()).build();
  }

  static List<ModelSpec> resolve(List<String> names) {
    ModelRegistry r = ModelRegistry.builtIn();
    return names.stream().map(r::get).toList();
  }

  /** {@code nst models list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "List the registered models and whether they are in the cache.")
  static final class ListModels implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ModelStore store = models.store();
      out.printf(Locale.ROOT, "%-14s %-9s %9s  %-8s %s%n", "NAME", "FORMAT", "SIZE", "CACHED", "DESCRIPTION");
      for (ModelSpec m : ModelRegistry.builtIn().all()) {
        long have = store.cachedBytes(m);
        String cached = store.isCached(m) ? "yes" : have > 0 ? "partly" : "no";
        String name = m.name() + (m.name().equals(ModelRegistry.DEFAULT_MODEL) ? " *" : "");
        out.printf(Locale.ROOT, "%-14s %-9s %9s  %-8s %s%n", name, m.format().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            DownloadBar.size(m.totalSize()), cached, m.description());
      }
      out.printf(Locale.ROOT, "%n* default model. cache: %s; mirror: %s; offline: %s%n", store.cacheDir(),
          store.mirror().map(Object::toString).orElse("none"), store.offline() ? "yes" : "no");
      out.flush();
      return 0;
    }
  }

  /** {@code nst models pull NAME...}. */
  @Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Download models into the cache (from the mirror if set), verifying their checksums.")
  static final class Pull implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Registered model name(s), e.g. vgg19.")
    List<String> names;

    @Override
    public Integer call() {
      List<ModelSpec> specs = resolve(names);
      PrintWriter out = spec.commandLine().getOut();
      DownloadBar bar = new DownloadBar(spec.commandLine().getErr(), models.nst.terminal());
      ModelStore store = models.store(bar);
      try {
        for (ModelSpec m : specs) {
          boolean had = store.isCached(m);
          Path entry = store.fetch(m);
          out.printf(Locale.ROOT, "%s: %s, %s in %s%n", m.name(), had ? "already cached" : "fetched and verified",
              DownloadBar.size(m.totalSize()), entry.getParent());
        }
      } finally {
        bar.finish();
        out.flush();
      }
      return 0;
    }
  }

  /** {@code nst models verify NAME...}. */
  @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Re-check size and checksum of every cached file of the models; "
      + "corrupt files are deleted so that 'nst models pull' fetches them again.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Registered model name(s).")
    List<String> names;

    @Override
    public Integer call() {
      List<ModelSpec> specs = resolve(names);
      PrintWriter out = spec.commandLine().getOut();
      ModelStore store = models.store();
      boolean allOk = true;
      for (ModelSpec m : specs) {
        List<FileCheck> checks = store.verify(m);
        long bad = checks.stream().filter(c -> !c.ok()).count();
        for (FileCheck c : checks) {
          if (!c.ok()) {
            out.printf(Locale.ROOT, "%s: %s %s: %s%n", m.name(), c.file().name(),
                c.status().name().toLowerCase(Locale.ROOT), c.detail());
          }
        }
        if (bad == 0) {
          out.printf(Locale.ROOT, "%s: ok, %d file%s verified (%s)%n", m.name(), checks.size(),
              checks.size() == 1 ? "" : "s", m.files().get(0).sha256() != null ? "SHA-256" : "MD5");
        } else {
          allOk = false;
          out.printf(Locale.ROOT, "%s: %d of %d files missing or corrupt; run 'nst models pull %s' to fetch them%n",
              m.name(), bad, checks.size(), m.name());
        }
      }
      out.flush();
      return allOk ? 0 : NstCommand.MODEL_PROBLEM;
    }
  }
}
