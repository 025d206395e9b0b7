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

  /**
   * A tensor holding a copy of {@code data}.
   *
   * @param data the values, row-major; copied
   * @param shape the dimensions; their product must equal {@code data.length}
   * @return the tensor
   */
  public static Tensor of(float[] data, int... shape) {
    return new Tensor(data.clone(), shape);
  }

  /**
   * A tensor that takes ownership of {@code data}: the caller must not modify it afterwards.
   *
   * @param data the values, row-major; kept, not copied
   * @param shape the dimensions; their product must equal {@code data.length}
   * @return the tensor
   */
  public static Tensor adopt(float[] data, int... shape) {
    return new Tensor(data, shape);
  }

  /**
   * A tensor of zeros.
   *
   * @param shape the dimensions
   * @return the tensor
   */
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

  /**
   * The dimensions, outermost first.
   *
   * @return a copy of the shape
   */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The number of dimensions.
   *
   * @return the rank
   */
  public int rank() {
    return shape.length;
  }

  /**
   * Size of dimension {@code axis}.
   *
   * @param axis 0 to rank - 1
   * @return its size
   */
  public int dim(int axis) {
    return shape[axis];
  }

  /**
   * Number of elements.
   *
   * @return the product of the dimensions
   */
  public int size() {
    return data.length;
  }

  /**
   * The value at a flat (row-major) index.
   *
   * @param flatIndex 0 to size - 1
   * @return the value
   */
  public float get(int flatIndex) {
    return data[flatIndex];
  }

  /**
   * A copy of the values.
   *
   * @return a new array, row-major
   */
  public float[] toArray() {
    return data.clone();
  }

  /**
   * Copies the values into {@code target}, which must hold at least {@link #size()} values.
   *
   * @param target receives the values from index 0
   */
  public void copyTo(float[] target) {
    System.arraycopy(data, 0, target, 0, data.length);
  }

  /**
   * A read-only view of the values.
   *
   * @return a buffer over the values, positioned at 0
   */
  public FloatBuffer buffer() {
    return FloatBuffer.wrap(data).asReadOnlyBuffer();
  }

  /**
   * The same values under another shape with the same number of elements.
   *
   * @param newShape the dimensions; their product must equal {@link #size()}
   * @return a tensor sharing this one's values
   */
  public Tensor reshape(int... newShape) {
    return new Tensor(data, newShape);
  }

  /**
   * True when both shapes are equal.
   *
   * @param other dimensions
   * @return whether this tensor has exactly that shape
   */
  public boolean hasShape(int... other) {
    return Arrays.equals(shape, other);
  }

  /**
   * Sum of squares in double precision.
   *
   * @return the squared L2 norm
   */
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
