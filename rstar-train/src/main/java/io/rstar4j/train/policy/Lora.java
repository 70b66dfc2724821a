package io.rstar4j.train.policy;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.rstar4j.train.autodiff.TrainingSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA on a decoder export: every projection {@code y = x W} (a MatMul by a 2-D float weight of the
 * attention or the MLP; the embedding and the LM head keep theirs) becomes {@code y = x W + (alpha
 * / r) x A B} with {@code A [in, r]} drawn as PEFT does (uniform in {@code +-1/sqrt(in)}) and
 * {@code B [r, out]} zero, so training starts from the base model; only A and B train. {@link
 * #merge} folds {@code (alpha / r) A B} into W of the original graph.
 */
final class Lora {
  private record Adapter(String weight, String a, String b, int in, int rank, int out) {}

  private final OnnxMl.ModelProto model;
  private final Map<String, Adapter> adapters;
  private final double scale;

  private Lora(OnnxMl.ModelProto model, Map<String, Adapter> adapters, double scale) {
    this.model = model;
    this.adapters = adapters;
    this.scale = scale;
  }

  static Lora attach(OnnxMl.ModelProto m, int rank, double alpha, long seed) {
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      inits.put(t.getName(), t);
    }
    double scale = alpha / rank;
    Random rnd = new Random(seed);
    Map<String, Adapter> adapters = new LinkedHashMap<>();
    List<OnnxMl.TensorProto> newInits = new ArrayList<>();
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().clearNode();
    String scaleName = "lora::scale";
    newInits.add(floats(scaleName, new float[] {(float) scale}));
    for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
      OnnxMl.TensorProto w =
          n.getOpType().equals("MatMul") && n.getInputCount() == 2
              ? inits.get(n.getInput(1))
              : null;
      if (w == null
          || w.getDimsCount() != 2
          || w.getDataType() != DataType.FLOAT_VALUE
          || !Parameters.isWeight(w)
          || w.getName().contains("lm_head")
          || w.getName().contains("embed")) {
        g.addNode(n);
        continue;
      }
      int in = (int) w.getDims(0);
      int out = (int) w.getDims(1);
      Adapter ad = adapters.get(w.getName());
      if (ad == null) {
        ad =
            new Adapter(
                w.getName(), w.getName() + ".lora_A", w.getName() + ".lora_B", in, rank, out);
        adapters.put(w.getName(), ad);
        float[] a = new float[in * rank];
        double bound = 1.0 / Math.sqrt(in);
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        newInits.add(floats(ad.a(), a, in, rank));
        newInits.add(floats(ad.b(), new float[rank * out], rank, out));
      }
      String y = n.getOutput(0);
      String p = "lora::" + y;
      g.addNode(n.toBuilder().setOutput(0, p + "::base").setName(p + "::base_mm"));
      g.addNode(mm(n.getInput(0), ad.a(), p + "::xa"));
      g.addNode(mm(p + "::xa", ad.b(), p + "::xab"));
      g.addNode(op("Mul", p + "::xab", scaleName, p + "::scaled"));
      g.addNode(op("Add", p + "::base", p + "::scaled", y));
    }
    if (adapters.isEmpty()) {
      throw new IllegalArgumentException(
          "no projection to put LoRA adapters on: no MatMul by a 2-D float weight besides the"
              + " embedding and the LM head");
    }
    g.addAllInitializer(newInits);
    return new Lora(m.toBuilder().setGraph(g).build(), adapters, scale);
  }

  OnnxMl.ModelProto model() {
    return model;
  }

  List<String> adapterNames() {
    List<String> out = new ArrayList<>();
    for (Adapter a : adapters.values()) {
      out.add(a.a());
      out.add(a.b());
    }
    return out;
  }

  /** The original model with {@code W + scale * A B} in place of every adapted W. */
  OnnxMl.ModelProto merge(OnnxMl.ModelProto original, TrainingSession s) {
    OnnxMl.GraphProto.Builder g = original.getGraph().toBuilder();
    for (int k = 0; k < g.getInitializerCount(); k++) {
      OnnxMl.TensorProto t = g.getInitializer(k);
      Adapter ad = adapters.get(t.getName());
      if (ad == null) {
        continue;
      }
      float[] w = read(t);
      float[] a = s.parameter(ad.a());
      float[] b = s.parameter(ad.b());
      for (int i = 0; i < ad.in(); i++) {
        for (int r = 0; r < ad.rank(); r++) {
          float air = (float) (scale * a[i * ad.rank() + r]);
          if (air == 0) {
            continue;
          }
          int wo = i * ad.out();
          int bo = r * ad.out();
          for (int o = 0; o < ad.out(); o++) {
            w[wo + o] += air * b[bo + o];
          }
        }
      }
      g.setInitializer(
          k, floats(t.getName(), w, t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
    }
    return original.toBuilder().setGraph(g).build();
  }

  static float[] read(OnnxMl.TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      FloatBuffer fb =
          t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] a = new float[fb.remaining()];
      fb.get(a);
      return a;
    }
    float[] a = new float[t.getFloatDataCount()];
    for (int i = 0; i < a.length; i++) {
      a[i] = t.getFloatData(i);
    }
    return a;
  }

  static OnnxMl.TensorProto floats(String name, float[] v, long... dims) {
    ByteBuffer le = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(v);
    OnnxMl.TensorProto.Builder b =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(le.array()));
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }

  private static OnnxMl.NodeProto mm(String x, String w, String y) {
    return op("MatMul", x, w, y);
  }

  private static OnnxMl.NodeProto op(String type, String x, String w, String y) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(type)
        .setName(y + "::node")
        .addInput(x)
        .addInput(w)
        .addOutput(y)
        .build();
  }
}
