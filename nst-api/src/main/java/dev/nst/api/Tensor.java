package dev.nst.api;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An immutable dense float32 tensor in row-major order; images and activations are NCHW with
 * batch 1, Gram matrices are (C, C).
 *
 * <p>{@link #of} copies its data; {@link #adopt} takes ownership of the array without a copy
 * (for producers such as backends that hand over a freshly filled buffer and never touch it
 * again). Readers get copies ({@link #toArray()}) or a read-only view ({@link #buffer()}).
 */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  private Tensor(float[] data, int[] shape) {
    this.shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " values but " + data.length
              + " were given");
    }
    this.data = data;
  }

  /** A tensor holding a copy of {@code data}. */
  public static Tensor of(float[] data, int... shape) {
    return new Tensor(data.clone(), shape);
  }

  /** A tensor that takes ownership of {@code data}: the caller must not modify it afterwards. */
  public static Tensor adopt(float[] data, int... shape) {
    return new Tensor(data, shape);
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
    }
    return new Tensor(new float[(int) size], shape);
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code axis}. */
  public int dim(int axis) {
    return shape[axis];
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** The value at a flat (row-major) index. */
  public float get(int flatIndex) {
    return data[flatIndex];
  }

  /** A copy of the values. */
  public float[] toArray() {
    return data.clone();
  }

  /** Copies the values into {@code target}, which must hold at least {@link #size()} values. */
  public void copyTo(float[] target) {
    System.arraycopy(data, 0, target, 0, data.length);
  }

  /** A read-only view of the values. */
  public FloatBuffer buffer() {
    return FloatBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** The same values under another shape with the same number of elements. */
  public Tensor reshape(int... newShape) {
    return new Tensor(data, newShape);
  }

  /** True when both shapes are equal. */
  public boolean hasShape(int... other) {
    return Arrays.equals(shape, other);
  }

  /** Sum of squares in double precision. */
  public double squaredNorm() {
    double s = 0;
    for (float v : data) {
      s += (double) v * v;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
