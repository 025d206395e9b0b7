package dev.nst.backend.nd4j;

import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One SameDiff graph and the native arrays it owns. SameDiff itself has no {@code close()}: its
 * constants and the arrays its sessions cache between runs would otherwise wait for the garbage
 * collector, so native memory would follow the heap's mood instead of the work. Closing frees
 * them at once; results of {@link #run} are the caller's to {@linkplain #release release}.
 */
final class Graph implements AutoCloseable {
  private final SameDiff sd = SameDiff.create();
  private final List<INDArray> owned = new ArrayList<>();
  private boolean closed;

  SameDiff sameDiff() {
    return sd;
  }

  /** A constant holding a copy of {@code t}, freed with this graph. */
  SDVariable constant(String name, Tensor t) {
    return constant(name, upload(t));
  }

  /** A constant holding {@code array} (this graph takes ownership). */
  SDVariable constant(String name, INDArray array) {
    owned.add(array);
    return sd.constant(name, array);
  }

  /** An int32 constant, for shapes and paddings. */
  SDVariable ints(String name, int... values) {
    return constant(name, Nd4j.createFromArray(values));
  }

  SDVariable placeholder(String name, int... shape) {
    return sd.placeHolder(name, DataType.FLOAT, longs(shape));
  }

  /**
   * Runs the graph: the named outputs for the given placeholder values. The returned arrays are
   * fresh (never the graph's constants) and belong to the caller, who copies them out and then
   * {@linkplain #release releases} them.
   */
  Map<String, INDArray> run(Map<String, INDArray> feed, List<String> outputs) {
    requireOpen();
    Map<String, INDArray> out = sd.output(feed, outputs.toArray(new String[0]));
    return new LinkedHashMap<>(out);
  }

  /** Frees the native memory of run results now instead of at the next garbage collection. */
  static void release(Map<String, INDArray> results) {
    results.values().forEach(Graph::release);
  }

  static void release(INDArray a) {
    if (a != null && a.closeable() && !a.wasClosed()) {
      a.close();
    }
  }

  /** A float32 ND4J copy of {@code t} in C order. */
  static INDArray upload(Tensor t) {
    return Nd4j.create(t.toArray(), longs(t.shape()), 'c');
  }

  /** The values of {@code a} in C order, as a {@link Tensor} of the same shape. */
  static Tensor download(INDArray a) {
    float[] data = new float[Math.toIntExact(a.length())];
    copy(a, data);
    return Tensor.adopt(data, Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray());
  }

  /** Copies the values of {@code a} in C order into {@code target}. */
  static void copy(INDArray a, float[] target) {
    if (a.length() != target.length) {
      throw new IllegalStateException("ND4J returned " + a.length() + " values where " + target.length
          + " were expected (shape " + Arrays.toString(a.shape()) + "): a bug in the ND4J backend");
    }
    boolean dense = a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.dataType() == DataType.FLOAT;
    INDArray c = dense ? a : a.castTo(DataType.FLOAT).dup('c');
    try {
      float[] values = c.data().getFloatsAt(c.offset(), target.length);
      System.arraycopy(values, 0, target, 0, target.length);
    } finally {
      if (c != a) {
        release(c);
      }
    }
  }

  static long[] longs(int... shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  boolean isClosed() {
    return closed;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this ND4J graph is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (InferenceSession s : sd.getSessions().values()) {
      if (s.getMmgr() != null) {
        s.getMmgr().close();
      }
    }
    sd.getSessions().clear();
    for (SDVariable v : sd.variables()) {
      if (v.isConstant()) {
        release(v.getArr());
      }
    }
    owned.forEach(Graph::release);
    owned.clear();
  }
}
