package dev.nst.core.loss;

import java.util.Arrays;

/**
 * The two dense kernels behind {@link ClassicStyleLoss}, kept apart so they can be benchmarked
 * and tuned (JMH) without touching the loss semantics.
 *
 * <p>Both work on a row-major matrix {@code a} of {@code rows x cols} floats (an activation
 * (1, C, H, W) seen as (C, H*W)).
 *
 * <ul>
 *   <li>{@link #gram}: {@code out[i*rows+j] = sum_k a[i,k] * a[j,k]}. Columns are processed in
 *       blocks of {@value #GRAM_BLOCK}; inside a block the products are summed in float (in 4x4
 *       register tiles), and the block sums are added in double. That keeps the error near
 *       float32 rounding of a {@value #GRAM_BLOCK}-term sum, independent of H*W, which matters
 *       because the style loss subtracts two nearly equal Grams. The result is exactly
 *       symmetric.
 *   <li>{@link #multiply}: {@code out = s * a} with {@code s} (rows x rows), summed in float
 *       (rows terms per element, at most a few hundred for VGG), which is the gradient of a
 *       Gram-based loss. It walks {@code a} in column blocks so that the block stays in cache
 *       and the innermost loop is a plain axpy the JIT vectorises.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class GramKernel {
  /** Columns per block of {@link #gram}: bounds the length of the float partial sums. */
  public static final int GRAM_BLOCK = 128;

  /** Columns per block of {@link #multiply}: keeps rows x block floats of {@code a} in cache. */
  static final int MULTIPLY_BLOCK = 512;

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
    int full = rows - rows % 4;
    for (int k0 = 0; k0 < cols; k0 += GRAM_BLOCK) {
      int k1 = Math.min(cols, k0 + GRAM_BLOCK);
      for (int i = 0; i < full; i += 4) {
        for (int j = i; j < full; j += 4) {
          tile4x4(a, cols, rows, i, j, k0, k1, out);
        }
      }
      for (int j = full; j < rows; j++) {
        for (int i = 0; i <= j; i++) {
          float s = 0f;
          int ri = i * cols;
          int rj = j * cols;
          for (int k = k0; k < k1; k++) {
            s += a[ri + k] * a[rj + k];
          }
          out[i * rows + j] += s;
        }
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int j = i + 1; j < rows; j++) {
        out[j * rows + i] = out[i * rows + j];
      }
    }
  }

  /** Adds the 4x4 block (i..i+3, j..j+3) of the Gram over columns k0..k1-1 into out. */
  private static void tile4x4(float[] a, int cols, int rows, int i, int j, int k0, int k1, double[] out) {
    int r0 = i * cols;
    int r1 = r0 + cols;
    int r2 = r1 + cols;
    int r3 = r2 + cols;
    int s0 = j * cols;
    int s1 = s0 + cols;
    int s2 = s1 + cols;
    int s3 = s2 + cols;
    float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (int k = k0; k < k1; k++) {
      float a0 = a[r0 + k];
      float a1 = a[r1 + k];
      float a2 = a[r2 + k];
      float a3 = a[r3 + k];
      float b0 = a[s0 + k];
      float b1 = a[s1 + k];
      float b2 = a[s2 + k];
      float b3 = a[s3 + k];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
    }
    int o0 = i * rows + j;
    int o1 = o0 + rows;
    int o2 = o1 + rows;
    int o3 = o2 + rows;
    out[o0] += c00;
    out[o0 + 1] += c01;
    out[o0 + 2] += c02;
    out[o0 + 3] += c03;
    out[o1] += c10;
    out[o1 + 1] += c11;
    out[o1 + 2] += c12;
    out[o1 + 3] += c13;
    out[o2] += c20;
    out[o2 + 1] += c21;
    out[o2 + 2] += c22;
    out[o2 + 3] += c23;
    out[o3] += c30;
    out[o3 + 1] += c31;
    out[o3 + 2] += c32;
    out[o3 + 3] += c33;
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
    Arrays.fill(out, 0, rows * cols, 0f);
    int full = rows - rows % 4;
    for (int k0 = 0; k0 < cols; k0 += MULTIPLY_BLOCK) {
      int k1 = Math.min(cols, k0 + MULTIPLY_BLOCK);
      for (int i = 0; i < rows; i++) {
        int oi = i * cols;
        int si = i * rows;
        // four rows of a per pass: one load and store of out per four products
        for (int j = 0; j < full; j += 4) {
          float s0 = s[si + j];
          float s1 = s[si + j + 1];
          float s2 = s[si + j + 2];
          float s3 = s[si + j + 3];
          int a0 = j * cols;
          int a1 = a0 + cols;
          int a2 = a1 + cols;
          int a3 = a2 + cols;
          for (int k = k0; k < k1; k++) {
            out[oi + k] += s0 * a[a0 + k] + s1 * a[a1 + k] + s2 * a[a2 + k] + s3 * a[a3 + k];
          }
        }
        for (int j = full; j < rows; j++) {
          float sij = s[si + j];
          int aj = j * cols;
          for (int k = k0; k < k1; k++) {
            out[oi + k] += sij * a[aj + k];
          }
        }
      }
    }
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
