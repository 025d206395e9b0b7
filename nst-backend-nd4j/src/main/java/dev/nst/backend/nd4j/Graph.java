package dev.nst.backend.nd4j;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One SameDiff graph and the native arrays it owns, freed deterministically rather than by the
 * garbage collector, so that native memory follows the work instead of the heap's mood.
 *
 * <p>Three kinds of arrays need it. Constants: SameDiff has no {@code close()}, so
 * {@link #close} frees them. Results of {@link #run}: the caller copies them out and
 * {@linkplain #release releases} them. Intermediate results: SameDiff 1.0.0-M2.1's inference
 * session returns most of them to its array cache (reused by the next run) but drops some
 * (measured: ~2.3 MB per run of a small VGG at 112x112) without closing them, leaving them to
 * the garbage collector; with a large heap that meant +1 GB of resident memory before a
 * collection came. A listener records every op output of a run, and after the run the ones that
 * are neither results, nor in the session's cache, nor inputs or constants are closed.
 *
 * <p>Released intermediate arrays are cached for reuse by the next run up to a bound the graph is
 * built with ({@link #build(long, Function)}): SameDiff's own bound is a quarter of the machine's
 * memory whatever the graph, which let a 1536 px evaluation of Darknet Tiny hold 1.8 GiB of cache
 * beside a 1 GiB evaluation and a run exceed its memory budget. A graph built with no cache (the
 * backend's lean mode, and forward passes that run once) frees each array as soon as SameDiff
 * releases it (never an input's or a constant's buffer), which halves the peak of a large
 * evaluation.
 */
final class Graph implements AutoCloseable {
  /** The placeholder the image is fed to, in every graph of this backend. */
  static final String IMAGE = "image";

  private final SameDiff sd = SameDiff.create();
  private final List<INDArray> owned = new ArrayList<>();
  /** Op outputs of the current run, recorded by {@link #recorder}. */
  private final List<INDArray> produced = new ArrayList<>();
  private final BaseListener recorder = new BaseListener() {
    @Override
    public boolean isActive(Operation operation) {
      return true;
    }

    @Override
    public void opExecution(SameDiff s, At at, MultiDataSet batch, SameDiffOp op, OpContext context, INDArray[] outputs) {
      produced.addAll(Arrays.asList(outputs));
    }
  };
  /** The most bytes of released arrays the graph's sessions keep for reuse; 0 keeps none. */
  private final long cacheBytes;
  /** In a lean graph, the buffers of this run's inputs and of the constants: never freed by a release. */
  private final Set<Long> kept = new HashSet<>();
  private boolean closed;

  private Graph(long cacheBytes) {
    checkArgument(cacheBytes >= 0, "cacheBytes must be >= 0, got %s", cacheBytes);
    this.cacheBytes = cacheBytes;
    sd.addListeners(recorder);
  }

  /**
   * What {@code builder} makes on a new graph (which it keeps); when building throws, the graph
   * is closed before the exception goes on, so that a failed build frees its native arrays.
   *
   * @param cacheBytes the most bytes of released intermediate arrays the graph keeps for the next
   *     run to reuse (faster: fewer allocations); 0 frees each at once (see {@link Graph})
   */
  static <T> T build(long cacheBytes, Function<Graph, T> builder) {
    Graph g = new Graph(cacheBytes);
    try {
      return builder.apply(g);
    } catch (RuntimeException | Error e) {
      g.close();
      throw e;
    }
  }

  SameDiff sameDiff() {
    return sd;
  }

  /** {@code array}, from now on owned by this graph: freed when it closes. */
  INDArray own(INDArray array) {
    owned.add(array);
    return array;
  }

  /** A constant holding a copy of {@code t}, freed with this graph. */
  SDVariable constant(String name, Tensor t) {
    return constant(name, upload(t));
  }

  /** A constant holding {@code array} (this graph takes ownership). */
  SDVariable constant(String name, INDArray array) {
    return sd.constant(name, own(array));
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
    produced.clear();
    Map<String, INDArray> out;
    boolean lean = cacheBytes == 0;
    if (lean) {
      kept.clear();
      addInputsAndConstants(feed, kept);
    }
    // SameDiff keeps one inference session per thread; the one this thread runs gets its manager
    sd.getSessions().computeIfAbsent(Thread.currentThread().getId(), id -> {
      InferenceSession s = new InferenceSession(sd);
      s.setMmgr(lean ? new ReleasingMemoryMgr() : boundedCache(cacheBytes));
      return s;
    });
    try {
      out = new LinkedHashMap<>(sd.output(feed, outputs.toArray(new String[0])));
    } catch (RuntimeException e) {
      freeDropped(feed, List.of());
      throw e;
    }
    freeDropped(feed, out.values());
    return out;
  }

  /** Bytes of released arrays SameDiff's sessions hold for reuse (none in a lean graph). */
  long cachedBytes() {
    long bytes = 0;
    for (InferenceSession s : sd.getSessions().values()) {
      if (s.getMmgr() instanceof ArrayCacheMemoryMgr cache) {
        bytes += cache.getCurrentCacheSize();
      }
    }
    return bytes;
  }

  /** SameDiff's array cache, keeping at most {@code bytes} (least recently released out first). */
  private static ArrayCacheMemoryMgr boundedCache(long bytes) {
    ArrayCacheMemoryMgr cache = new ArrayCacheMemoryMgr();
    cache.setMaxCacheBytes(bytes);
    return cache;
  }

  /** Closes the op outputs of the last run that SameDiff neither returned nor cached. */
  private void freeDropped(Map<String, INDArray> feed, Collection<INDArray> results) {
    // memory that must survive: cached arrays, inputs, constants and results (by buffer address,
    // so that no other array object over the same memory frees it)
    Set<Long> keep = new HashSet<>();
    for (InferenceSession s : sd.getSessions().values()) {
      if (s.getMmgr() instanceof ArrayCacheMemoryMgr cache) {
        cache.getLruCacheValues().values().forEach(a -> keep.add(address(a)));
      }
    }
    addInputsAndConstants(feed, keep);
    results.forEach(a -> keep.add(address(a)));
    for (INDArray a : produced) {
      if (a != null && !a.wasClosed() && a.closeable() && keep.add(address(a))) { // add: each buffer once
        a.close();
      }
    }
    produced.clear();
  }

  /**
   * A session memory manager that frees a released array at once. SameDiff's default
   * ({@link ArrayCacheMemoryMgr}) keeps every released array (up to a quarter of the machine's
   * memory) for later allocations of its shape to reuse: 20-25% faster, but a 1024 px VGG-19
   * evaluation then peaks at 5.8 GiB instead of 2.9 (docs/benchmarks.md).
   */
  private final class ReleasingMemoryMgr extends NoOpMemoryMgr {
    @Override
    public void release(INDArray array) {
      if (array != null && !array.wasClosed() && !kept.contains(address(array))) {
        Graph.release(array);
      }
    }
  }

  /** Adds the buffer addresses of the run's inputs and of this graph's constants to {@code set}. */
  private void addInputsAndConstants(Map<String, INDArray> feed, Set<Long> set) {
    feed.values().forEach(a -> set.add(address(a)));
    owned.forEach(a -> set.add(address(a)));
  }

  private static long address(INDArray a) {
    return a.wasClosed() ? -1 : a.data().address();
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
    INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    INDArray c = f.ordering() == 'c' && Shape.hasDefaultStridesForShape(f) ? f : f.dup('c');
    if (f != a && f != c) {
      release(f);
    }
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

  private void requireOpen() {
    checkState(!closed, "this ND4J graph is closed");
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
