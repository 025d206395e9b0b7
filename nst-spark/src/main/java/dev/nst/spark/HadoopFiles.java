package dev.nst.spark;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Reading and writing through Hadoop's FileSystem API, so that inputs, styles and outputs may live
 * on HDFS, S3, GCS... as well as on a local or shared disk. Outputs are written to a hidden
 * temporary file beside their final name and renamed into place, so a file under its final name is
 * always complete, whichever task attempt wrote it.
 */
final class HadoopFiles {
  private final Configuration conf;

  private HadoopFiles(Configuration conf) {
    this.conf = conf;
  }

  /** The Hadoop settings of this JVM: core-site.xml and friends plus the job's {@code spark.hadoop.*} settings. */
  static HadoopFiles fromSpark() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> kv : env.conf().getAllWithPrefix("spark.hadoop.")) {
        conf.set(kv._1(), kv._2());
      }
    }
    return new HadoopFiles(conf);
  }

  /** Hadoop settings the driver already holds. */
  static HadoopFiles of(Configuration conf) {
    return new HadoopFiles(conf);
  }

  /**
   * The file system of {@code path}; for local paths the raw one, which writes no {@code .crc}
   * checksum files beside the outputs.
   */
  private FileSystem fs(Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  private static boolean isFile(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path).isFile();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * The files under {@code pattern} (a file, a folder or a glob) whose names match
   * {@code nameGlob}, as full names in name order; in folders only their own files, or every file
   * below with {@code recursive}. Names starting with "." or "_" (hidden and temporary files, as
   * Spark's file sources skip them) are left out.
   *
   * @throws IllegalArgumentException when nothing is at {@code pattern}
   */
  List<String> list(String pattern, String nameGlob, boolean recursive) {
    Path path = new Path(pattern);
    try {
      FileSystem fs = fs(path);
      GlobFilter names = new GlobFilter(nameGlob);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new IllegalArgumentException("no file or folder at " + pattern + "; check the --input path");
      }
      List<String> files = new ArrayList<>();
      for (FileStatus match : matches) {
        if (match.isFile()) {
          addIfImage(files, match.getPath(), names);
          continue;
        }
        RemoteIterator<LocatedFileStatus> below = fs.listFiles(match.getPath(), recursive);
        while (below.hasNext()) {
          LocatedFileStatus f = below.next();
          if (!hiddenBelow(f.getPath(), match.getPath())) {
            addIfImage(files, f.getPath(), names);
          }
        }
      }
      files.sort(null);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + pattern + ": " + e.getMessage(), e);
    }
  }

  private void addIfImage(List<String> files, Path path, GlobFilter names) throws IOException {
    if (names.accept(path) && !hidden(path.getName())) {
      files.add(fs(path).makeQualified(path).toString());
    }
  }

  /** True when a folder between {@code root} and {@code file} is hidden: Spark skips all below it. */
  private static boolean hiddenBelow(Path file, Path root) {
    String top = Path.getPathWithoutSchemeAndAuthority(root).toString();
    for (Path p = file.getParent(); p != null; p = p.getParent()) {
      if (Path.getPathWithoutSchemeAndAuthority(p).toString().equals(top)) {
        return false;
      }
      if (hidden(p.getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** The bytes of the file at {@code uri}. */
  byte[] read(String uri) {
    Path path = new Path(uri);
    try (InputStream in = fs(path).open(path)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  /** True when a file exists under {@code dir/name}: a complete output, as outputs appear only by rename. */
  boolean exists(String dir, String name) {
    Path path = new Path(dir, name);
    try {
      return isFile(fs(path), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + path + ": " + e.getMessage(), e);
    }
  }

  /** The full name of {@code dir/name}, as {@link #writeAtomically} returns it. */
  String writtenPath(String dir, String name) {
    Path path = new Path(dir, name);
    try {
      return fs(path).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code data} to {@code dir/name} through {@code dir/.name.<attempt>.tmp} and a rename.
   * When another attempt (a retry, a speculative copy) finished the same file first, its complete
   * file stays and this attempt's copy is dropped: both are the same image.
   *
   * @param attempt names the temporary file of this task attempt
   * @return the final path
   */
  String writeAtomically(String dir, String name, byte[] data, String attempt) {
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, "." + name + "." + attempt + ".tmp");
    try {
      FileSystem fs = fs(target);
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(data);
      }
      // POSIX rename replaces the target atomically; HDFS refuses when it exists (another attempt won)
      if (!fs.rename(tmp, target)) {
        boolean done = isFile(fs, target);
        fs.delete(tmp, false);
        if (!done) {
          throw new IOException("the rename of " + tmp + " to " + target + " failed");
        }
      }
      return fs.makeQualified(target).toString();
    } catch (IOException e) {
      try {
        fs(tmp).delete(tmp, false);
      } catch (IOException ignored) {
        // the hidden temporary file is never taken for an output
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage()
          + "; check that the output path is writable from every executor", e);
    }
  }
}
