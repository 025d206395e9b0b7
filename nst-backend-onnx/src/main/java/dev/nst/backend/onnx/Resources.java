package dev.nst.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Native objects owned by one extractor or objective, closed together in reverse order. */
final class Resources implements AutoCloseable {
  private final List<AutoCloseable> owned = new ArrayList<>();
  private boolean closed;

  <T extends AutoCloseable> T track(T resource) {
    owned.add(resource);
    return resource;
  }

  /** An ONNX tensor over {@code buffer} (direct: ORT reads and writes it in place). */
  OnnxTensor tensor(OrtEnvironment env, FloatBuffer buffer, int[] shape) throws OrtException {
    return track(OnnxTensor.createTensor(env, buffer, Arrays.stream(shape).asLongStream().toArray()));
  }

  /** Copies {@code data} into a new direct buffer and wraps it. */
  OnnxTensor upload(OrtEnvironment env, float[] data, int[] shape) throws OrtException {
    FloatBuffer d = directFloats(data.length);
    d.put(data).rewind();
    return tensor(env, d, shape);
  }

  static FloatBuffer directFloats(int floats) {
    return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  void requireOpen(String what) {
    if (closed) {
      throw new IllegalStateException("this " + what + " is closed");
    }
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
