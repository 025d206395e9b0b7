package dev.nst.spark;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
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
