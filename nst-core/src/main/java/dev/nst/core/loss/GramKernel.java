package dev.nst.core.loss;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The two dense kernels behind {@link ClassicStyleLoss}, kept apart so they can be benchmarked
 * and tuned (JMH) without touching the loss semantics.
 *
 * <p>Both work on a row-major matrix {@code a} of {@code rows x cols} floats (an activation
 * (1, C, H, W) seen as (C, H*W)) and run on the common fork-join pool.
 *
 * <ul>
 *   <li>{@link #gram}: {@code out[i*rows+j] = sum_k a[i,k] * a[j,k]}, upper triangle only, then
 *       mirrored (so exactly symmetric). Columns go in blocks of {@value #GRAM_BLOCK}: a block
 *       is transposed into one array per column, and rows i..i+3 of the Gram are built as
 *       axpys over those arrays ({@code acc[j] += a[i,k] * a[j,k]} for j &gt;= i), two columns
 *       k per pass. Sums inside a
 *       block are float; block sums are added in double, which keeps the error near float32
 *       rounding of a {@value #GRAM_BLOCK}-term sum whatever H*W is (the style loss subtracts
 *       two nearly equal Grams).
 *   <li>{@link #multiply}: {@code out = s * a} with {@code s} (rows x rows), summed in float
 *       (rows terms per element, at most a few hundred for VGG): the gradient of a Gram loss.
 *       A block of columns of {@code a} is copied into one array per row, and each output row
 *       is a sum of four-row axpys over those arrays.
 * </ul>
 *
 * <p>Why the copies: HotSpot's auto-vectoriser (SuperWord) only turns a loop into AVX when it
 * can prove that the arrays it reads and writes do not overlap, and with one flat array at two
 * different offsets it cannot; loops in which every array is indexed by the same {@code j}
 * vectorise. That took the Gram from 6 to 29-38 GFLOP/s at 512 px on the 2-core build machine (see
 * docs/benchmarks.md). The JDK Vector API would allow register tiles, but it is an incubator
 * module that every user would have to enable with a JVM flag.
 *
 * <p>Work is split into column chunks whose number depends only on the sizes, and chunk
 * results are combined in a fixed order, so the result does not depend on the number of
 * threads. Stateless and thread-safe.
 */
public final class GramKernel {
  /** Columns per block of {@link #gram}: bounds the length of the float partial sums. */
  public static final int GRAM_BLOCK = 128;

  /** Columns per block of {@link #multiply}: rows x block floats stay in the core's cache. */
  static final int MULTIPLY_BLOCK = 256;

  /** At most this many column chunks run in parallel; more would only add partial Grams. */
  static final int MAX_CHUNKS = 8;

  /** Below this many multiply-adds a call stays on the caller's thread. */
  private static final long PARALLEL_THRESHOLD = 1L << 22;

  private GramKernel() {}

  /**
   * Writes the Gram matrix {@code a a^T} (rows x rows, row-major) of the {@code rows x cols}
   * matrix {@code a} into {@code out}.
   *
   * @throws IllegalArgumentException when an array is shorter than the sizes say
   */
  public static void gram(float[] a, int rows, int cols, double[] out) {
    checkSizes(a, rows, cols);
    if (out.length < rows * rows) {
      throw new IllegalArgumentException("out holds " + out.length + " values, the Gram needs " + rows * rows);
    }
    Arrays.fill(out, 0, rows * rows, 0.0);
    int blocks = (cols + GRAM_BLOCK - 1) / GRAM_BLOCK;
    int chunks = chunks(blocks, (long) rows * rows * cols / 2);
    if (chunks <= 1) {
      gramColumns(a, rows, cols, 0, cols, out);
    } else {
      double[][] parts = new double[chunks][];
      parts[0] = out;
      IntStream.range(0, chunks).parallel().forEach(c -> {
        double[] part = c == 0 ? out : new double[rows * rows];
        gramColumns(a, rows, cols, columnOf(c, chunks, blocks, GRAM_BLOCK, cols),
            columnOf(c + 1, chunks, blocks, GRAM_BLOCK, cols), part);
        parts[c] = part;
      });
      for (int c = 1; c < chunks; c++) {
        double[] part = parts[c];
        for (int i = 0; i < rows; i++) {
          for (int j = i; j < rows; j++) {
            out[i * rows + j] += part[i * rows + j];
          }
        }
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int j = i + 1; j < rows; j++) {
        out[j * rows + i] = out[i * rows + j];
      }
    }
  }

  /** Adds the upper triangle of the Gram of columns k0..k1-1 into out. */
  private static void gramColumns(float[] a, int rows, int cols, int k0, int k1, double[] out) {
    float[][] t = new float[GRAM_BLOCK][rows];
    float[] acc0 = new float[rows];
    float[] acc1 = new float[rows];
    float[] acc2 = new float[rows];
    float[] acc3 = new float[rows];
    float[][] acc = {acc0, acc1, acc2, acc3};
    for (int b0 = k0; b0 < k1; b0 += GRAM_BLOCK) {
      int kn = Math.min(GRAM_BLOCK, k1 - b0);
      transposeBlock(a, rows, cols, b0, kn, t);
      for (int i = 0; i < rows; i += 4) {
        int ni = Math.min(4, rows - i);
        for (float[] row : acc) {
          Arrays.fill(row, i, rows, 0f);
        }
        int k = 0;
        for (; k + 2 <= kn; k += 2) {
          float[] y = t[k];
          float[] z = t[k + 1];
          axpy4x2(y, z, y[i], at(y, i + 1, ni > 1), at(y, i + 2, ni > 2), at(y, i + 3, ni > 3),
              z[i], at(z, i + 1, ni > 1), at(z, i + 2, ni > 2), at(z, i + 3, ni > 3), acc0, acc1, acc2, acc3, i, rows);
        }
        for (; k < kn; k++) {
          float[] tk = t[k];
          axpy4(tk, tk[i], at(tk, i + 1, ni > 1), at(tk, i + 2, ni > 2), at(tk, i + 3, ni > 3),
              acc0, acc1, acc2, acc3, i, rows);
        }
        for (int q = 0; q < ni; q++) {
          float[] row = acc[q];
          int o = (i + q) * rows;
          for (int j = i + q; j < rows; j++) {
            out[o + j] += row[j];
          }
        }
      }
    }
  }

  /** t[k][r] = a[r, b0 + k] for k < kn, four rows of a at a time. */
  private static void transposeBlock(float[] a, int rows, int cols, int b0, int kn, float[][] t) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      int s0 = r * cols + b0;
      int s1 = s0 + cols;
      int s2 = s1 + cols;
      int s3 = s2 + cols;
      for (int k = 0; k < kn; k++) {
        float[] tk = t[k];
        tk[r] = a[s0 + k];
        tk[r + 1] = a[s1 + k];
        tk[r + 2] = a[s2 + k];
        tk[r + 3] = a[s3 + k];
      }
    }
    for (; r < rows; r++) {
      int s = r * cols + b0;
      for (int k = 0; k < kn; k++) {
        t[k][r] = a[s + k];
      }
    }
  }

  private static float at(float[] row, int index, boolean present) {
    return present ? row[index] : 0f;
  }

  /**
   * c_q[j] += x_q * y[j] + w_q * z[j] for j0 &lt;= j &lt; j1: two columns per pass, so each load
   * and store of c feeds two FMAs (the loop is bound by stores; measured 1.3-1.9x faster than
   * one column per pass for 128 rows and more, no faster for 64).
   */
  private static void axpy4x2(float[] y, float[] z, float x0, float x1, float x2, float x3,
      float w0, float w1, float w2, float w3, float[] c0, float[] c1, float[] c2, float[] c3, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      float v = y[j];
      float u = z[j];
      c0[j] = Math.fma(w0, u, Math.fma(x0, v, c0[j]));
      c1[j] = Math.fma(w1, u, Math.fma(x1, v, c1[j]));
      c2[j] = Math.fma(w2, u, Math.fma(x2, v, c2[j]));
      c3[j] = Math.fma(w3, u, Math.fma(x3, v, c3[j]));
    }
  }

  /** c_q[j] += x_q * y[j] for j0 &lt;= j &lt; j1: every array indexed by j, so it vectorises. */
  private static void axpy4(float[] y, float x0, float x1, float x2, float x3,
      float[] c0, float[] c1, float[] c2, float[] c3, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      float v = y[j];
      c0[j] = Math.fma(x0, v, c0[j]);
      c1[j] = Math.fma(x1, v, c1[j]);
      c2[j] = Math.fma(x2, v, c2[j]);
      c3[j] = Math.fma(x3, v, c3[j]);
    }
  }

  /**
   * Writes {@code s a} into {@code out} (rows x cols), {@code s} being rows x rows row-major.
   * {@code out} must not be {@code a}.
   *
   * @throws IllegalArgumentException when an array is shorter than the sizes say or out is a
   */
  public static void multiply(float[] s, float[] a, int rows, int cols, float[] out) {
    checkSizes(a, rows, cols);
    if (s.length < rows * rows || out.length < rows * cols) {
      throw new IllegalArgumentException("s needs " + rows * rows + " values (has " + s.length
          + "), out needs " + rows * cols + " (has " + out.length + ")");
    }
    if (out == a) {
      throw new IllegalArgumentException("out must not be the input matrix");
    }
    int blocks = (cols + MULTIPLY_BLOCK - 1) / MULTIPLY_BLOCK;
    int chunks = chunks(blocks, (long) rows * rows * cols);
    // each chunk writes its own columns of out, so the split cannot change a value
    IntStream work = IntStream.range(0, chunks);
    (chunks > 1 ? work.parallel() : work).forEach(c -> multiplyColumns(s, a, rows, cols,
        columnOf(c, chunks, blocks, MULTIPLY_BLOCK, cols), columnOf(c + 1, chunks, blocks, MULTIPLY_BLOCK, cols), out));
  }

  private static void multiplyColumns(float[] s, float[] a, int rows, int cols, int k0, int k1, float[] out) {
    float[][] blk = new float[rows][MULTIPLY_BLOCK];
    float[] acc = new float[MULTIPLY_BLOCK];
    int full = rows - rows % 4;
    for (int b0 = k0; b0 < k1; b0 += MULTIPLY_BLOCK) {
      int kn = Math.min(MULTIPLY_BLOCK, k1 - b0);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(a, r * cols + b0, blk[r], 0, kn);
      }
      for (int i = 0; i < rows; i++) {
        Arrays.fill(acc, 0, kn, 0f);
        int si = i * rows;
        for (int j = 0; j < full; j += 4) {
          sum4(acc, s[si + j], blk[j], s[si + j + 1], blk[j + 1], s[si + j + 2], blk[j + 2],
              s[si + j + 3], blk[j + 3], kn);
        }
        for (int j = full; j < rows; j++) {
          sum4(acc, s[si + j], blk[j], 0f, blk[j], 0f, blk[j], 0f, blk[j], kn);
        }
        System.arraycopy(acc, 0, out, i * cols + b0, kn);
      }
    }
  }

  /** acc[k] += s0 b0[k] + s1 b1[k] + s2 b2[k] + s3 b3[k] for k &lt; n. */
  private static void sum4(float[] acc, float s0, float[] b0, float s1, float[] b1, float s2, float[] b2,
      float s3, float[] b3, int n) {
    for (int k = 0; k < n; k++) {
      acc[k] += s0 * b0[k] + s1 * b1[k] + s2 * b2[k] + s3 * b3[k];
    }
  }

  /** How many column chunks: one for small work, else up to MAX_CHUNKS (never more than blocks). */
  private static int chunks(int blocks, long multiplyAdds) {
    return multiplyAdds < PARALLEL_THRESHOLD ? 1 : Math.min(MAX_CHUNKS, blocks);
  }

  /** First column of chunk c when blocks of width w are dealt out evenly to chunks. */
  private static int columnOf(int c, int chunks, int blocks, int w, int cols) {
    return (int) Math.min(cols, (long) blocks * c / chunks * w);
  }

  private static void checkSizes(float[] a, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("rows and cols must be >= 0, got " + rows + " x " + cols);
    }
    if ((long) rows * cols > a.length) {
      throw new IllegalArgumentException(
          "a holds " + a.length + " values, fewer than " + rows + " x " + cols);
    }
  }
}
