package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated graph computes the Qwen2 forward pass: its logits equal a plain Java implementation
 * (RMSNorm, rotary embeddings with rotate-half, grouped-query attention where query head j reads KV
 * head j / (heads / kvHeads), SwiGLU) on the same weights.
 */
class TinyQwen2ReferenceTest {

  @Test
  void logitsMatchAJavaReferenceForwardPass() throws Exception {
    TinyQwen2.Config c = new TinyQwen2.Config(32, 2, 4, 2, 48, 64, 10000, 1e-6, 3);
    OnnxMl.ModelProto model = TinyQwen2.model(c);
    Map<String, float[]> w = new HashMap<>();
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
        FloatBuffer fb =
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        w.put(t.getName(), a);
      }
    }
    int[] ids = {5, 77, 300, 12, 256, 140, 9};
    float[][] expected = forward(c, w, ids);

    OrtEnvironment env = OnnxSessions.environment();
    try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> in = new HashMap<>();
      long[][] idIn = new long[1][ids.length];
      long[][] mask = new long[1][ids.length];
      long[][] pos = new long[1][ids.length];
      for (int i = 0; i < ids.length; i++) {
        idIn[0][i] = ids[i];
        mask[0][i] = 1;
        pos[0][i] = i;
      }
      in.put("input_ids", OnnxTensor.createTensor(env, idIn));
      in.put("attention_mask", OnnxTensor.createTensor(env, mask));
      in.put("position_ids", OnnxTensor.createTensor(env, pos));
      for (int l = 0; l < c.layers(); l++) {
        for (String kv : new String[] {"key", "value"}) {
          in.put(
              "past_key_values." + l + "." + kv,
              OnnxTensor.createTensor(
                  env, FloatBuffer.allocate(0), new long[] {1, c.kvHeads(), 0, c.headDim()}));
        }
      }
      try (OrtSession.Result r = s.run(in)) {
        float[][][] logits = (float[][][]) r.get("logits").get().getValue();
        for (int t = 0; t < ids.length; t++) {
          for (int v = 0; v < expected[t].length; v++) {
            assertEquals(
                expected[t][v],
                logits[0][t][v],
                1e-3 * (1 + Math.abs(expected[t][v])),
                "position " + t + " token " + v);
          }
        }
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    }
  }

  private static float[][] forward(TinyQwen2.Config c, Map<String, float[]> w, int[] ids) {
    int n = ids.length;
    int h = c.hidden();
    int d = c.headDim();
    int vocab = TinyQwen2.vocabSize();
    double[][] x = new double[n][h];
    float[] emb = w.get("model.embed_tokens.weight");
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < h; i++) {
        x[t][i] = emb[ids[t] * h + i];
      }
    }
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] hn = rms(x, w.get(p + "input_layernorm.weight"), c.rmsEps());
      double[][] q =
          linear(
              hn,
              w.get(p + "self_attn.q_proj.weight"),
              w.get(p + "self_attn.q_proj.bias"),
              c.heads() * d);
      double[][] k =
          linear(
              hn,
              w.get(p + "self_attn.k_proj.weight"),
              w.get(p + "self_attn.k_proj.bias"),
              c.kvHeads() * d);
      double[][] v =
          linear(
              hn,
              w.get(p + "self_attn.v_proj.weight"),
              w.get(p + "self_attn.v_proj.bias"),
              c.kvHeads() * d);
      rope(q, c.heads(), d, c.ropeTheta());
      rope(k, c.kvHeads(), d, c.ropeTheta());
      int group = c.heads() / c.kvHeads();
      double[][] ctx = new double[n][c.heads() * d];
      for (int head = 0; head < c.heads(); head++) {
        int kvh = head / group;
        for (int i = 0; i < n; i++) {
          double[] s = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            double dot = 0;
            for (int e = 0; e < d; e++) {
              dot += q[i][head * d + e] * k[j][kvh * d + e];
            }
            s[j] = dot / Math.sqrt(d);
            max = Math.max(max, s[j]);
          }
          double z = 0;
          for (int j = 0; j <= i; j++) {
            s[j] = Math.exp(s[j] - max);
            z += s[j];
          }
          for (int j = 0; j <= i; j++) {
            for (int e = 0; e < d; e++) {
              ctx[i][head * d + e] += s[j] / z * v[j][kvh * d + e];
            }
          }
        }
      }
      double[][] o = linear(ctx, w.get(p + "self_attn.o_proj.weight"), null, h);
      add(x, o);
      double[][] h2 = rms(x, w.get(p + "post_attention_layernorm.weight"), c.rmsEps());
      double[][] gate = linear(h2, w.get(p + "mlp.gate_proj.weight"), null, c.intermediate());
      double[][] up = linear(h2, w.get(p + "mlp.up_proj.weight"), null, c.intermediate());
      for (int t = 0; t < n; t++) {
        for (int i = 0; i < c.intermediate(); i++) {
          double g = gate[t][i];
          gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
        }
      }
      add(x, linear(gate, w.get(p + "mlp.down_proj.weight"), null, h));
    }
    double[][] f = rms(x, w.get("model.norm.weight"), c.rmsEps());
    double[][] logits = linear(f, w.get("lm_head.weight"), null, vocab);
    float[][] out = new float[n][vocab];
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < vocab; i++) {
        out[t][i] = (float) logits[t][i];
      }
    }
    return out;
  }

  private static double[][] rms(double[][] x, float[] scale, double eps) {
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      double r = 1 / Math.sqrt(ms / x[t].length + eps);
      for (int i = 0; i < x[t].length; i++) {
        y[t][i] = x[t][i] * r * scale[i];
      }
    }
    return y;
  }

  /** x [n, in] times W stored [in, out] (+ bias). */
  private static double[][] linear(double[][] x, float[] wt, float[] bias, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * wt[i * out + o];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static void rope(double[][] x, int heads, int d, double theta) {
    for (int t = 0; t < x.length; t++) {
      for (int head = 0; head < heads; head++) {
        double[] r = new double[d];
        for (int e = 0; e < d / 2; e++) {
          double ang = t / Math.pow(theta, 2.0 * e / d);
          double x1 = x[t][head * d + e];
          double x2 = x[t][head * d + e + d / 2];
          r[e] = x1 * Math.cos(ang) - x2 * Math.sin(ang);
          r[e + d / 2] = x2 * Math.cos(ang) + x1 * Math.sin(ang);
        }
        System.arraycopy(r, 0, x[t], head * d, d);
      }
    }
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        x[t][i] += y[t][i];
      }
    }
  }
}
