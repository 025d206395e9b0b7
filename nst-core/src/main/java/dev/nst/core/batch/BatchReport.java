package dev.nst.core.batch;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code batch-report.json}: the counts and one entry per item (input, style, output, status,
 * seconds, loss, error), written atomically so a reader never sees half a report.
 */
final class BatchReport {
  /** The report's file name in the output folder. */
  static final String FILE_NAME = "batch-report.json";

  private BatchReport() {}

  /** The report as JSON. */
  static String json(BatchResult result, Instant started, int workers) {
    JsonObject root = new JsonObject();
    root.addProperty("started", started.toString());
    root.addProperty("seconds", seconds(result.elapsed().toNanos()));
    root.addProperty("workers", workers);
    root.addProperty("total", result.items().size());
    for (BatchItemResult.Status s : BatchItemResult.Status.values()) {
      root.addProperty(s.name().toLowerCase(Locale.ROOT), result.count(s));
    }
    root.addProperty("succeeded", result.succeeded());
    JsonArray items = new JsonArray();
    for (BatchItemResult r : result.items()) {
      JsonObject item = new JsonObject();
      item.addProperty("input", r.item().input().toString());
      item.addProperty("style", r.item().style());
      item.addProperty("output", r.item().output().toString());
      item.addProperty("status", r.status().name().toLowerCase(Locale.ROOT));
      item.addProperty("seconds", seconds(r.time().toNanos()));
      item.addProperty("loss", Double.isFinite(r.loss()) ? r.loss() : null);
      item.addProperty("error", r.error());
      items.add(item);
    }
    root.add("items", items);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n";
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }

  /** Writes {@code json} to {@code file} through a temporary file and an atomic move. */
  static void write(String json, Path file) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the batch report " + file + ": " + e.getMessage(), e);
    }
  }
}
