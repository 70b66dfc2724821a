package io.rstar4j.train.autodiff;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The only class of this package that talks to ONNX Runtime: a session over a step graph that reads
 * its inputs from, and writes its outputs into, caller-owned direct buffers (pinned outputs; the
 * Java API has no IOBinding). Tensors over long-lived buffers are made once and reused.
 */
final class OrtStep implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(OrtStep.class.getName());

  /** A value in a direct native-order buffer. */
  record Buf(ByteBuffer data, long[] shape, ElementType type) {}

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final Map<ByteBuffer, OnnxTensor> cached = new IdentityHashMap<>();

  OrtStep(byte[] model, int intraOpThreads, boolean cuda, boolean optimise, Path optimisedModel) {
    try {
      OrtSession.SessionOptions o = options(cuda);
      if (intraOpThreads > 0) {
        o.setIntraOpNumThreads(intraOpThreads);
      }
      o.setOptimizationLevel(
          optimise
              ? OrtSession.SessionOptions.OptLevel.ALL_OPT
              : OrtSession.SessionOptions.OptLevel.NO_OPT);
      if (optimisedModel != null) {
        o.setOptimizedModelFilePath(optimisedModel.toString());
      }
      session = env.createSession(model, o);
      o.close();
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load the training graph: " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions options(boolean cuda) {
    if (cuda) {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      try {
        o.addCUDA(0);
        LOG.log(System.Logger.Level.INFO, "training: using the CUDA execution provider");
        return o;
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        o.close();
        LOG.log(
            System.Logger.Level.WARNING,
            "training: CUDA provider unavailable (" + e.getMessage() + "); running on CPU");
      }
    }
    return new OrtSession.SessionOptions();
  }

  private OnnxTensor tensor(Buf b, boolean keep) throws OrtException {
    if (keep) {
      OnnxTensor t = cached.get(b.data());
      if (t != null) {
        return t;
      }
    }
    ByteBuffer d = b.data().duplicate().order(b.data().order());
    OnnxTensor t =
        switch (b.type()) {
          case FLOAT -> OnnxTensor.createTensor(env, d.asFloatBuffer(), b.shape());
          case DOUBLE -> OnnxTensor.createTensor(env, d.asDoubleBuffer(), b.shape());
          case INT64 -> OnnxTensor.createTensor(env, d.asLongBuffer(), b.shape());
          case INT32 -> OnnxTensor.createTensor(env, d.asIntBuffer(), b.shape());
          case BOOL -> OnnxTensor.createTensor(env, d, b.shape(), OnnxJavaType.BOOL);
          default -> throw new IllegalArgumentException("unsupported tensor type " + b.type());
        };
    if (keep) {
      cached.put(b.data(), t);
    }
    return t;
  }

  /**
   * Runs the graph.
   *
   * @param state inputs whose buffers live across steps (tensors cached)
   * @param batch inputs of this step only
   * @param outputs where each output is written
   * @param fetch float outputs of batch-dependent shape to return as arrays
   * @return the fetched outputs
   */
  Map<String, float[]> run(
      Map<String, Buf> state,
      Map<String, Buf> batch,
      Map<String, Buf> outputs,
      java.util.Set<String> fetch) {
    Map<String, OnnxTensor> in = new HashMap<>();
    Map<String, OnnxTensor> fresh = new HashMap<>();
    try {
      for (Map.Entry<String, Buf> e : state.entrySet()) {
        in.put(e.getKey(), tensor(e.getValue(), true));
      }
      for (Map.Entry<String, Buf> e : batch.entrySet()) {
        OnnxTensor t = tensor(e.getValue(), false);
        fresh.put(e.getKey(), t);
        in.put(e.getKey(), t);
      }
      Map<String, OnnxTensor> out = new HashMap<>();
      for (Map.Entry<String, Buf> e : outputs.entrySet()) {
        out.put(e.getKey(), tensor(e.getValue(), true));
      }
      Map<String, float[]> fetched = new HashMap<>();
      try (OrtSession.Result r = session.run(in, fetch, out)) {
        for (String f : fetch) {
          OnnxTensor t = (OnnxTensor) r.get(f).orElseThrow();
          java.nio.FloatBuffer fb = t.getFloatBuffer();
          float[] a = new float[fb.remaining()];
          fb.get(a);
          fetched.put(f, a);
        }
      }
      return fetched;
    } catch (OrtException e) {
      throw new IllegalStateException("training step failed: " + e.getMessage(), e);
    } finally {
      fresh.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    cached.values().forEach(OnnxTensor::close);
    cached.clear();
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
