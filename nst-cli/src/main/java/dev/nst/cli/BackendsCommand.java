package dev.nst.cli;

import dev.nst.core.backend.BackendStatus;
import dev.nst.core.backend.Backends;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nst backends}: what is on the classpath, whether it can run, on which devices. */
@Command(name = "backends", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "List the backends on the classpath and whether they can run here.")
final class BackendsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    List<BackendStatus> all = Backends.list();
    var out = spec.commandLine().getOut();
    if (all.isEmpty()) {
      out.println("no backend on the classpath: add dev.nst:nst-backend-onnx (or nst-backend-nd4j)");
      return NstCommand.BACKEND_PROBLEM;
    }
    for (BackendStatus s : all) {
      out.println(s.describe());
    }
    return 0;
  }
}
