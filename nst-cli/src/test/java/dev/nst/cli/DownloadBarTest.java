package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.model.cache.DownloadProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the download bar leaves on a terminal and in a log. Before: a shorter line drawn over a
 * longer one left the longer one's tail (a stray ")"), and a log got a "fetching" line per large
 * file and a line per 10% of each: 20 lines for a model of two large files.
 */
class DownloadBarTest {
  static final URI SOURCE = URI.create("https://example.org/models/m/");

  /** What a terminal shows: each carriage return starts the line over, drawing over what was there. */
  static List<String> screen(String written) {
    List<String> rows = new ArrayList<>();
    for (String line : written.split("\n", -1)) {
      StringBuilder row = new StringBuilder();
      for (String part : line.split("\r", -1)) {
        row.replace(0, Math.min(row.length(), part.length()), part);
      }
      rows.add(row.toString());
    }
    return rows;
  }

  static DownloadProgress progress(String file, long done, long total, int index, int count, boolean finished) {
    return new DownloadProgress("m", file, SOURCE.resolve(file), done, total, index, count, finished);
  }

  @Test
  void aShorterLineLeavesNothingOfALongerOneOnATerminal() {
    StringWriter s = new StringWriter();
    DownloadBar bar = new DownloadBar(new PrintWriter(s), true);
    bar.onProgress(progress("a.bin", 999_000, 1_000_000_000, 1, 2, false)); // "999.0 kB / 1000.0 MB  (1/2)"
    bar.onProgress(progress("b.bin", 0, 500, 2, 2, false)); // "0 B / 500 B  (2/2)": 11 characters shorter
    bar.finish();
    List<String> rows = screen(s.toString());
    assertThat(rows.get(0).stripTrailing()).isEqualTo(String.format("%-40s [%s] 0 B / 500 B  (2/2)", "m/b.bin",
        ".".repeat(30)));
    assertThat(rows.get(0)).matches(".*\\(2/2\\) *"); // nothing of "(1/2)" after it
  }

  @Test
  void aLogGetsOneLineWhenAModelStartsAndOneWhenItEnds() {
    StringWriter s = new StringWriter();
    DownloadBar bar = new DownloadBar(new PrintWriter(s), false);
    String[] files = {"model.json", "group1-shard1of2", "group1-shard2of2"};
    long[] sizes = {40_000, 4_000_000, 3_000_000};
    for (int i = 0; i < files.length; i++) {
      for (long done = 0; done <= sizes[i]; done += sizes[i] / 50) {
        bar.onProgress(progress(files[i], done, sizes[i], i + 1, files.length, false));
      }
      bar.onProgress(progress(files[i], sizes[i], sizes[i], i + 1, files.length, true));
    }
    bar.finish();
    List<String> lines = s.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("fetching m: 3 files from https://example.org/models/m/");
    assertThat(lines.get(1)).startsWith("fetched m: 3 files, 7.0 MB in ").endsWith(" s");
  }
}
