package dev.nst.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's input listing on the driver: the files Spark's file sources would take, without Spark. */
class HadoopFilesTest {
  @TempDir Path dir;
  HadoopFiles files = HadoopFiles.of(new Configuration());

  @BeforeEach
  void tree() throws IOException {
    for (String name : List.of("b.png", "a.JPG", "notes.txt", ".hidden.png", "_temporary.png", "sub/c.jpeg",
        "sub/deeper/d.gif", ".cache/e.png", "sub/_tmp/f.png")) {
      Path p = dir.resolve(name);
      Files.createDirectories(p.getParent());
      Files.writeString(p, name);
    }
  }

  private List<String> names(List<String> uris) {
    String root = dir.toUri().toString().replace("file:///", "file:/");
    return uris.stream().map(u -> u.substring(u.indexOf(root) + root.length())).toList();
  }

  @Test
  void aFolderGivesItsOwnImagesInNameOrderWithoutHiddenOnes() {
    List<String> listed = files.list(dir.toString(), StylizeJob.IMAGE_FILES, false);

    assertThat(listed).allMatch(u -> u.startsWith("file:/"));
    assertThat(names(listed)).containsExactly("a.JPG", "b.png");
  }

  @Test
  void recursiveDescendsButNotIntoHiddenFolders() {
    assertThat(names(files.list(dir.toString(), StylizeJob.IMAGE_FILES, true)))
        .containsExactly("a.JPG", "b.png", "sub/c.jpeg", "sub/deeper/d.gif");
  }

  @Test
  void aGlobAndASingleFileWork() {
    assertThat(names(files.list(dir + "/*.png", StylizeJob.IMAGE_FILES, false))).containsExactly("b.png");
    assertThat(names(files.list(dir.resolve("sub/c.jpeg").toString(), StylizeJob.IMAGE_FILES, false)))
        .containsExactly("sub/c.jpeg");
    assertThat(files.list(dir.resolve("notes.txt").toString(), StylizeJob.IMAGE_FILES, false)).isEmpty();
  }

  @Test
  void aMissingPathSaysWhatToCheck() {
    assertThatThrownBy(() -> files.list(dir.resolve("nothing").toString(), StylizeJob.IMAGE_FILES, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nothing")
        .hasMessageContaining("--input");
  }
}
