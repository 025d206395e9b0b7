package dev.nst.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.OperatorSetIdProto;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.model.format.proto.TensorShapeProto;
import dev.nst.core.model.format.proto.TypeProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Machine-peak probe: an n x n x n float32 matrix multiply in ONNX Runtime's MLAS (the BLAS
 * the ONNX backend's convolutions and Gram matrices run on). GFLOP/s = 2 n^3 / time; every
 * other figure in docs/benchmarks.md is read as a fraction of this.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar MatMulPeakBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatMulPeakBenchmark {
  @Param({"2048"})
  public int n;

  @Param({"0"})
  public int threads;

  private OrtSession session;
  private OnnxTensor a;
  private OnnxTensor b;

  @Setup(Level.Trial)
  public void setup() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    GraphProto.Builder g = GraphProto.newBuilder().setName("matmul")
        .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("b").addOutput("c"))
        .addInput(input("a")).addInput(input("b"))
        .addOutput(ValueInfoProto.newBuilder().setName("c").setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
    ModelProto m = ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    session = env.createSession(m.toByteArray(), o);
    SplittableRandom rnd = new SplittableRandom(1);
    float[] v = new float[n * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    a = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {n, n});
    b = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {n, n});
  }

  private ValueInfoProto input(String name) {
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n))))).build();
  }

  @Benchmark
  public Object multiply() throws OrtException {
    try (OrtSession.Result r = session.run(Map.of("a", a, "b", b))) {
      return r.get(0);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    a.close();
    b.close();
    session.close();
  }
}
