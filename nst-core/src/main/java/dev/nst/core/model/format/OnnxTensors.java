package dev.nst.core.model.format;

import com.google.protobuf.ByteString;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Tensor;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between {@link Tensor} and ONNX {@link TensorProto}, and the few other messages
 * whose fields are protobuf's own types. Callers outside this jar use these instead of
 * protobuf's classes, which the nst-core jar carries relocated.
 */
public final class OnnxTensors {
  /** Refuse declared tensors above this many elements before allocating (hostile files). */
  static final long MAX_ELEMENTS = 1L << 28;

  private OnnxTensors() {}

  /** A float32 initializer named {@code name} holding {@code t}, stored as raw little-endian bytes. */
  public static TensorProto toProto(String name, Tensor t) {
    ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(t.buffer());
    TensorProto.Builder p = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (int d : t.shape()) {
      p.addDims(d);
    }
    return p.build();
  }

  /** An int64 initializer (shapes, axes, pads). */
  public static TensorProto int64s(String name, long... values) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(values.length)
        .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList())
        .build();
  }

  /** A float32 scalar initializer. */
  public static TensorProto scalar(String name, float value) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addFloatData(value)
        .build();
  }

  /**
   * A STRING attribute ({@code mode}, {@code auto_pad}, ...) holding {@code value} as UTF-8.
   *
   * @param name the attribute's name
   * @param value its value
   * @return the attribute, ready for {@code NodeProto.Builder.addAttribute}
   */
  public static AttributeProto stringAttribute(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  /** Reads a float tensor (FLOAT or DOUBLE, raw or typed storage) as float32. */
  public static Tensor toTensor(TensorProto p) {
    String name = p.getName();
    if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL || p.getExternalDataCount() > 0) {
      throw new ModelLoadException("tensor '" + name + "' keeps its data in an external file, which nst "
          + "does not read; re-export the model with the weights embedded");
    }
    int[] shape = new int[p.getDimsCount()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = p.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new ModelLoadException("tensor '" + name + "' has an invalid dimension " + d
            + "; the file is corrupt");
      }
      shape[i] = (int) d;
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new ModelLoadException("tensor '" + name + "' declares more than " + MAX_ELEMENTS
            + " elements, far more than a feature network's layer holds; the file is corrupt or not a feature network");
      }
    }
    int type = p.getDataType();
    boolean isFloat = type == TensorProto.DataType.FLOAT_VALUE;
    if (!isFloat && type != TensorProto.DataType.DOUBLE_VALUE) {
      throw new ModelLoadException("tensor '" + name + "' has ONNX data type " + typeName(type)
          + "; nst reads float32 and float64 weights only: re-export the model in float32");
    }
    // Check the data present against the declared shape before allocating anything, so that a
    // small file declaring a huge shape costs nothing.
    if (p.hasRawData()) {
      requireBytes(p, n * (isFloat ? 4 : 8));
    } else {
      requireCount(p, isFloat ? p.getFloatDataCount() : p.getDoubleDataCount(), n);
    }
    float[] out = new float[(int) n];
    if (isFloat) {
      if (p.hasRawData()) {
        p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      } else {
        for (int i = 0; i < out.length; i++) {
          out[i] = p.getFloatData(i);
        }
      }
    } else if (p.hasRawData()) {
      var db = p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) db.get(i);
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) p.getDoubleData(i);
      }
    }
    return Tensor.adopt(out, shape);
  }

  private static String typeName(int type) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(type);
    return t == null ? type + " (unknown)" : type + " (" + t + ")";
  }

  private static void requireBytes(TensorProto p, long bytes) {
    if (p.getRawData().size() != bytes) {
      throw new ModelLoadException("tensor '" + p.getName() + "' declares " + bytes + " bytes of data but holds "
          + p.getRawData().size() + "; the file is truncated or corrupt");
    }
  }

  private static void requireCount(TensorProto p, int count, long n) {
    if (count != n) {
      throw new ModelLoadException("tensor '" + p.getName() + "' declares " + n + " values but holds " + count
          + "; the file is truncated or corrupt");
    }
  }
}
