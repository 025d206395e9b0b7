package dev.nst.backend.onnx;

import static com.google.common.base.Preconditions.checkState;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.nst.api.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Native objects owned by one extractor call or objective, closed together in reverse order. */
final class Resources implements AutoCloseable {
  private final List<AutoCloseable> owned = new ArrayList<>();
  private boolean closed;

  <T extends AutoCloseable> T track(T resource) {
    owned.add(resource);
    return resource;
  }

  /** An ONNX tensor over {@code buffer} (direct: ORT reads and writes it in place). */
  OnnxTensor tensor(OrtEnvironment env, FloatBuffer buffer, int[] shape) throws OrtException {
    return track(OnnxTensor.createTensor(env, buffer, longs(shape)));
  }

  /** An ONNX tensor holding a copy of {@code t}, for one run. */
  OnnxTensor tensor(OrtEnvironment env, Tensor t) throws OrtException {
    return tensor(env, t.buffer(), t.shape());
  }

  /** Copies {@code t} into a new direct buffer and wraps it, for tensors fed to every run. */
  OnnxTensor upload(OrtEnvironment env, Tensor t) throws OrtException {
    FloatBuffer d = directFloats(t.size());
    d.put(t.buffer()).rewind();
    return tensor(env, d, t.shape());
  }

  static FloatBuffer directFloats(int floats) {
    return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  static long[] longs(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  void requireOpen(String what) {
    checkState(!closed, "this %s is closed", what);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception ignored) {
        // best effort: ORT objects do not fail to close in practice, and one must not stop the rest
      }
    }
    owned.clear();
  }
}
