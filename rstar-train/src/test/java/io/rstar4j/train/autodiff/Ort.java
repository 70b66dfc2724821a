package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime for the tests: run a model on host arrays, read outputs as doubles. */
final class Ort implements AutoCloseable {
  static final OrtEnvironment ENV = io.rstar4j.core.model.OnnxEnvironment.get();

  /** A host tensor: double data (fed as float or double) or int64 data. */
  record T(double[] d, long[] l, boolean[] b, long[] shape, boolean asFloat) {
    static T dbl(double[] d, long... shape) {
      return new T(d, null, null, shape, false);
    }

    static T flt(double[] d, long... shape) {
      return new T(d, null, null, shape, true);
    }

    static T int64(long[] l, long... shape) {
      return new T(null, l, null, shape, false);
    }

    static T bool(boolean[] b, long... shape) {
      return new T(null, null, b, shape, false);
    }

    OnnxTensor tensor() throws OrtException {
      if (l != null) {
        return OnnxTensor.createTensor(ENV, LongBuffer.wrap(l), shape);
      }
      if (b != null) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(b.length);
        for (boolean x : b) {
          bb.put((byte) (x ? 1 : 0));
        }
        bb.flip();
        return OnnxTensor.createTensor(ENV, bb, shape, ai.onnxruntime.OnnxJavaType.BOOL);
      }
      if (asFloat) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) d[i];
        }
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), shape);
      }
      return OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(d), shape);
    }
  }

  /** An output: values as doubles and the shape. */
  record Out(double[] v, long[] shape) {}

  private final OrtSession session;

  Ort(OnnxMl.ModelProto model) throws OrtException {
    this(model, OrtSession.SessionOptions.OptLevel.ALL_OPT);
  }

  Ort(OnnxMl.ModelProto model, OrtSession.SessionOptions.OptLevel level) throws OrtException {
    this(model, level, null);
  }

  /** A session at the optimisation level, writing the optimised graph to a file when given. */
  Ort(OnnxMl.ModelProto model, OrtSession.SessionOptions.OptLevel level, java.nio.file.Path saved)
      throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(level);
      if (saved != null) {
        o.setOptimizedModelFilePath(saved.toString());
      }
      o.setIntraOpNumThreads(1);
      session = ENV.createSession(model.toByteArray(), o);
    }
  }

  Map<String, Out> run(Map<String, T> feeds) throws OrtException {
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      for (Map.Entry<String, T> e : feeds.entrySet()) {
        in.put(e.getKey(), e.getValue().tensor());
      }
      Map<String, Out> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(in)) {
        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          long[] shape = t.getInfo().getShape();
          double[] v;
          switch (t.getInfo().type) {
            case DOUBLE -> {
              DoubleBuffer b = t.getDoubleBuffer();
              v = new double[b.remaining()];
              b.get(v);
            }
            case FLOAT -> {
              FloatBuffer b = t.getFloatBuffer();
              v = new double[b.remaining()];
              for (int i = 0; i < v.length; i++) {
                v[i] = b.get(i);
              }
            }
            case INT64 -> {
              LongBuffer b = t.getLongBuffer();
              v = new double[b.remaining()];
              for (int i = 0; i < v.length; i++) {
                v[i] = b.get(i);
              }
            }
            default -> throw new IllegalStateException("output type " + t.getInfo().type);
          }
          out.put(e.getKey(), new Out(v, shape));
        }
      }
      return out;
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
