package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import io.rstar4j.core.testing.TinyQwen2;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Qwen2 decoder written the way {@code torch.onnx.export} via Hugging Face Optimum writes an
 * unfused one (opset 14), from the weights of a {@link TinyQwen2} model: shapes computed at run
 * time (Shape, Gather, Unsqueeze, Concat) for every Reshape and Expand, rotary tables from {@code
 * inv_freq @ position_ids} in the graph, the causal and padding masks from ConstantOfShape, Trilu,
 * Equal, Or and Where, {@code repeat_kv} as Unsqueeze + Expand + Reshape, RMSNorm as Cast, Pow,
 * ReduceMean (axes attribute), Sqrt, Reciprocal; projections as MatMul with pre-transposed
 * initializers ({@code onnx::MatMul_N}), one as Transpose + MatMul of the Hugging Face [out, in]
 * weight, and the LM head as Gemm over the flattened hidden states. Optionally the RMSNorms as
 * {@code SimplifiedLayerNormalization} (opset 17, as ONNX Runtime's optimiser writes them).
 */
final class OptimumStyleQwen2 {
  /** The model and, per initializer, the TinyQwen2 name it holds and whether it is transposed. */
  record Export(
      OnnxMl.ModelProto model, Map<String, String> source, Map<String, Boolean> transposed) {}

  private OptimumStyleQwen2() {}

  static Export build(TinyQwen2.Config c, boolean simplifiedNorm) {
    OnnxMl.ModelProto tiny = TinyQwen2.model(c);
    Map<String, float[]> w = new HashMap<>();
    Map<String, long[]> shapes = new HashMap<>();
    for (OnnxMl.TensorProto t : tiny.getGraph().getInitializerList()) {
      double[] d = Tensors.doubles(t);
      if (d != null && t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) d[i];
        }
        w.put(t.getName(), f);
        shapes.put(t.getName(), Tensors.dims(t));
      }
    }
    Map<String, String> source = new LinkedHashMap<>();
    Map<String, Boolean> transposed = new LinkedHashMap<>();
    int[] counter = {100};
    int d = c.headDim();
    int vocab = TinyQwen2.vocabSize();
    OnnxGraphBuilder g = OnnxGraphBuilder.create("main_graph");
    String ids = g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
    String mask =
        g.input(
            "attention_mask",
            ElementType.INT64,
            "batch_size",
            "past_sequence_length + sequence_length");
    String pos = g.input("position_ids", ElementType.INT64, "batch_size", "sequence_length");
    String[][] past = new String[c.layers()][2];
    for (int l = 0; l < c.layers(); l++) {
      for (int k = 0; k < 2; k++) {
        past[l][k] =
            g.input(
                "past_key_values." + l + (k == 0 ? ".key" : ".value"),
                ElementType.FLOAT,
                "batch_size",
                c.kvHeads(),
                "past_sequence_length",
                d);
      }
    }
    // Plain weights keep their names; pre-transposed ones get exporter names.
    java.util.function.BiFunction<String, Boolean, String> weight =
        (name, exporterName) -> {
          String n = exporterName ? "onnx::MatMul_" + counter[0]++ : name;
          source.put(n, name);
          transposed.put(n, false);
          return g.initializer(n, w.get(name), shapes.get(name));
        };
    java.util.function.Function<String, String> hfWeight =
        name -> {
          // Hugging Face stores Linear weights [out, in]: the transpose of TinyQwen2's [in, out].
          long[] s = shapes.get(name);
          float[] src = w.get(name);
          float[] t = new float[src.length];
          for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
              t[(int) (j * s[0] + i)] = src[(int) (i * s[1] + j)];
            }
          }
          source.put(name, name);
          transposed.put(name, true);
          return g.initializer(name, t, s[1], s[0]);
        };
    String embed = weight.apply("model.embed_tokens.weight", false);
    String x = g.gather(embed, ids, 0);

    // Shapes computed at run time.
    String shapeIds = g.shape(ids);
    String batch = g.unsqueeze(g.gather(shapeIds, g.constantScalar(0), 0), 0);
    String seq = g.unsqueeze(g.gather(shapeIds, g.constantScalar(1), 0), 0);
    String total = g.unsqueeze(g.gather(g.shape(mask), g.constantScalar(1), 0), 0);

    // Rotary: inv_freq[None, :, None] @ position_ids[:, None, :], transposed, doubled.
    String inv = weight.apply("rotary.inv_freq", false);
    String invX =
        g.expand(
            g.unsqueeze(inv, 0, 2), g.concat(0, batch, g.constantInts(d / 2), g.constantInts(1)));
    String posE = g.unsqueeze(g.cast(pos, ElementType.FLOAT), 1);
    String freqs = g.transpose(g.matMul(invX, posE), 0, 2, 1);
    String emb = g.concat(-1, freqs, freqs);
    String cos = g.unsqueeze(g.cos(emb), 1);
    String sin = g.unsqueeze(g.sin(emb), 1);

    // Masks: causal (Trilu) or padding, as a large negative bias [b, 1, s, T].
    float min = -3.4028234663852886e38f;
    String onesST =
        g.node("ConstantOfShape")
            .inputs(g.concat(0, seq, total))
            .attr("value", Tensors.int64("", new long[] {1}, 1))
            .add();
    String lower =
        g.node("Trilu").inputs(onesST, g.squeeze(g.sub(total, seq), 0)).attr("upper", 0L).add();
    String causalBlocked = g.equal(lower, g.constantScalar(0));
    String padBlocked = g.equal(g.unsqueeze(mask, 1, 2), g.constantScalar(0));
    String blocked = g.op("Or", g.unsqueeze(causalBlocked, 0, 1), padBlocked);
    String bias =
        g.where(
            g.expand(blocked, g.concat(0, batch, g.constantInts(1), seq, total)),
            g.constant(min),
            g.constant(0f));

    int group = c.heads() / c.kvHeads();
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      String h =
          rmsNorm(
              g, x, weight.apply(p + "input_layernorm.weight", false), c.rmsEps(), simplifiedNorm);
      String q =
          g.add(
              g.matMul(h, weight.apply(p + "self_attn.q_proj.weight", true)),
              weight.apply(p + "self_attn.q_proj.bias", false));
      String k =
          g.add(
              g.matMul(h, weight.apply(p + "self_attn.k_proj.weight", true)),
              weight.apply(p + "self_attn.k_proj.bias", false));
      String v =
          g.add(
              g.matMul(h, weight.apply(p + "self_attn.v_proj.weight", true)),
              weight.apply(p + "self_attn.v_proj.bias", false));
      q =
          g.transpose(
              g.reshapeTo(q, g.concat(0, batch, seq, g.constantInts(c.heads()), g.constantInts(d))),
              0,
              2,
              1,
              3);
      k =
          g.transpose(
              g.reshapeTo(
                  k, g.concat(0, batch, seq, g.constantInts(c.kvHeads()), g.constantInts(d))),
              0,
              2,
              1,
              3);
      v =
          g.transpose(
              g.reshapeTo(
                  v, g.concat(0, batch, seq, g.constantInts(c.kvHeads()), g.constantInts(d))),
              0,
              2,
              1,
              3);
      q = g.add(g.mul(q, cos), g.mul(rotateHalf(g, q), sin));
      k = g.add(g.mul(k, cos), g.mul(rotateHalf(g, k), sin));
      String presentK =
          g.node("Concat")
              .inputs(past[l][0], k)
              .attr("axis", -2L)
              .outputs("present." + l + ".key")
              .add();
      String presentV =
          g.node("Concat")
              .inputs(past[l][1], v)
              .attr("axis", -2L)
              .outputs("present." + l + ".value")
              .add();
      String kr = repeatKv(g, presentK, batch, total, c.kvHeads(), group, d);
      String vr = repeatKv(g, presentV, batch, total, c.kvHeads(), group, d);
      String scores =
          g.div(g.matMul(q, g.transpose(kr, 0, 1, 3, 2)), g.constant((float) Math.sqrt(d)));
      String probs = g.softmax(g.add(scores, bias), -1);
      String ctx = g.transpose(g.matMul(probs, vr), 0, 2, 1, 3);
      ctx = g.reshapeTo(ctx, g.concat(0, batch, seq, g.constantInts(c.hidden())));
      // o_proj as Transpose + MatMul of the [out, in] weight
      String o = g.matMul(ctx, g.transpose(hfWeight.apply(p + "self_attn.o_proj.weight"), 1, 0));
      x = g.add(x, o);
      String h2 =
          rmsNorm(
              g,
              x,
              weight.apply(p + "post_attention_layernorm.weight", false),
              c.rmsEps(),
              simplifiedNorm);
      String gate = g.matMul(h2, weight.apply(p + "mlp.gate_proj.weight", true));
      String up = g.matMul(h2, weight.apply(p + "mlp.up_proj.weight", true));
      String act = g.mul(g.mul(gate, g.sigmoid(gate)), up);
      x = g.add(x, g.matMul(act, weight.apply(p + "mlp.down_proj.weight", true)));
      g.output(
          presentK,
          ElementType.FLOAT,
          "batch_size",
          c.kvHeads(),
          "past_sequence_length + sequence_length",
          d);
      g.output(
          presentV,
          ElementType.FLOAT,
          "batch_size",
          c.kvHeads(),
          "past_sequence_length + sequence_length",
          d);
    }
    String hf = rmsNorm(g, x, weight.apply("model.norm.weight", false), c.rmsEps(), simplifiedNorm);
    // LM head as Gemm(transB) over [b*s, hidden] with the [vocab, hidden] weight.
    String flat = g.reshape(hf, -1, c.hidden());
    String logits2 =
        g.node("Gemm").inputs(flat, hfWeight.apply("lm_head.weight")).attr("transB", 1L).add();
    g.node("Reshape")
        .inputs(logits2, g.concat(0, batch, seq, g.constantInts(vocab)))
        .outputs("logits")
        .add();
    g.output("logits", ElementType.FLOAT, "batch_size", "sequence_length", vocab);
    OnnxMl.ModelProto m = g.build();
    if (!simplifiedNorm) {
      m = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(14)).build();
    }
    return new Export(m, source, transposed);
  }

  private static String rmsNorm(
      OnnxGraphBuilder g, String x, String w, double eps, boolean simplified) {
    if (simplified) {
      return g.node("SimplifiedLayerNormalization")
          .inputs(x, w)
          .attr("axis", -1L)
          .attr("epsilon", (float) eps)
          .add();
    }
    String xf = g.cast(x, ElementType.FLOAT);
    String var =
        g.node("ReduceMean")
            .inputs(g.pow(xf, g.constant(2f)))
            .attr("axes", new long[] {-1})
            .attr("keepdims", 1L)
            .add();
    String r = g.reciprocal(g.sqrt(g.add(var, g.constant((float) eps))));
    return g.mul(w, g.cast(g.mul(xf, r), ElementType.FLOAT));
  }

  private static String rotateHalf(OnnxGraphBuilder g, String x) {
    String last = g.gather(g.shape(x), g.constantScalar(3), 0);
    String half = g.unsqueeze(g.div(last, g.constantScalar(2)), 0);
    String x1 = g.op("Slice", x, g.constantInts(0), half, g.constantInts(3), g.constantInts(1));
    String x2 =
        g.op(
            "Slice", x, half, g.constantInts(Long.MAX_VALUE), g.constantInts(3), g.constantInts(1));
    return g.concat(-1, g.neg(x2), x1);
  }

  private static String repeatKv(
      OnnxGraphBuilder g, String kv, String batch, String total, int kvHeads, int group, int d) {
    String e =
        g.expand(
            g.unsqueeze(kv, 2),
            g.concat(
                0,
                batch,
                g.constantInts(kvHeads),
                g.constantInts(group),
                total,
                g.constantInts(d)));
    return g.reshapeTo(
        e, g.concat(0, batch, g.constantInts(kvHeads * group), total, g.constantInts(d)));
  }
}
