package dev.nst.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java snippet is the compiled {@link QuickStart}, line for line. */
class ReadmeSnippetTest {
  static final Path README = Path.of("README.md");
  static final Path SOURCE = Path.of("nst-examples/src/main/java/dev/nst/examples/QuickStart.java");

  @Test
  void readmeSnippetIsTheQuickStartBetweenItsMarkers() throws IOException {
    List<String> source = Files.readAllLines(SOURCE);
    int begin = source.indexOf("    // README: begin");
    int end = source.indexOf("    // README: end");
    assertThat(begin).as("the begin marker in " + SOURCE).isNotNegative();
    assertThat(end).as("the end marker in " + SOURCE).isGreaterThan(begin + 1);
    List<String> excerpt = source.subList(begin + 1, end).stream().map(l -> l.substring(4)).toList();

    List<String> readme = Files.readAllLines(README);
    int start = readme.indexOf("```java");
    assertThat(start).as("a java block in the README").isNotNegative();
    int close = readme.subList(start, readme.size()).indexOf("```") + start;
    List<String> snippet = readme.subList(start + 1, close);

    assertThat(snippet).as("README.md's first java block; copy it from " + SOURCE + " between the README markers")
        .containsExactlyElementsOf(excerpt);
  }
}
