package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.rstar4j.core.testing.TinyQwen2;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole graphs against central finite differences in double precision (runs everywhere, without
 * PyTorch): the next-token loss of a TinyQwen2 decoder, and a process-preference scorer (the
 * decoder's last hidden state at each text's last real token, a linear head, the reference's
 * weighted pairwise loss) as full PPM fine-tuning will build it. Random coordinates of every
 * parameter are perturbed.
 */
class WholeModelFiniteDifferenceTest {
  static final TinyQwen2.Config C = new TinyQwen2.Config(16, 2, 4, 2, 24, 64, 10000, 1e-6, 9);

  static Map<String, Ort.T> batchFeeds(TorchReference.Batch b) {
    Map<String, Ort.T> f = new HashMap<>();
    int n = b.ids().length;
    int s = b.ids()[0].length;
    f.put("input_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(b.ids()), n, s));
    f.put("attention_mask", Ort.T.int64(Qwen2TorchReferenceTest.flat(b.mask()), n, s));
    f.put("position_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(b.pos()), n, s));
    return f;
  }

  /** Checks sampled coordinates of every parameter; returns the worst relative error. */
  static double check(
      OnnxMl.ModelProto dbl, List<String> params, Map<String, Ort.T> batch, int perParam)
      throws Exception {
    GradientGraph gg =
        TrainingGraphBuilder.forModel(dbl)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    Map<String, double[]> values = new HashMap<>();
    Map<String, long[]> shapes = new HashMap<>();
    for (OnnxMl.TensorProto t : dbl.getGraph().getInitializerList()) {
      if (params.contains(t.getName())) {
        values.put(t.getName(), Tensors.doubles(t));
        shapes.put(t.getName(), Tensors.dims(t));
      }
    }
    Random r = new Random(3);
    double worst = 0;
    try (Ort s = new Ort(gg.model())) {
      java.util.function.Supplier<Map<String, Ort.T>> feeds =
          () -> {
            Map<String, Ort.T> f = new HashMap<>(batch);
            values.forEach((k, v) -> f.put(k, Ort.T.dbl(v, shapes.get(k))));
            return f;
          };
      Map<String, Ort.Out> out = s.run(feeds.get());
      for (String p : params) {
        double[] g = out.get(gg.gradientOutputs().get(p)).v();
        double scale = 0;
        for (double x : g) {
          scale = Math.max(scale, Math.abs(x));
        }
        double[] v = values.get(p);
        for (int k = 0; k < perParam; k++) {
          int i = r.nextInt(v.length);
          double h = 1e-5 * Math.max(1, Math.abs(v[i]));
          double x0 = v[i];
          v[i] = x0 + h;
          double lp = s.run(feeds.get()).get(Losses.LOSS).v()[0];
          v[i] = x0 - h;
          double lm = s.run(feeds.get()).get(Losses.LOSS).v()[0];
          v[i] = x0;
          double fd = (lp - lm) / (2 * h);
          double rel = Math.abs(fd - g[i]) / Math.max(scale, 1e-12);
          worst = Math.max(worst, rel);
          int idx = i;
          assertTrue(
              rel <= 1e-6,
              () -> p + "[" + idx + "]: gradient " + g[idx] + ", finite differences " + fd);
        }
      }
    }
    return worst;
  }

  @Test
  void nextTokenLossOfTheDecoder() throws Exception {
    OnnxMl.ModelProto m = Losses.tokenCrossEntropy(TinyQwen2.model(C), "logits");
    List<String> params = TorchReference.qwenParameters(m);
    TorchReference.Batch b = LmBatches.random(21, 7, 7, 4);
    Map<String, Ort.T> f = batchFeeds(b);
    f.put(Losses.LABELS, Ort.T.int64(Qwen2TorchReferenceTest.flat(b.labels()), 2, 7));
    double[] w = new double[14];
    for (int i = 0; i < 2; i++) {
      System.arraycopy(b.weights()[i], 0, w, i * 7, 7);
    }
    f.put(Losses.LABEL_WEIGHTS, Ort.T.dbl(w, 2, 7));
    double worst = check(ToDouble.convert(m), params, f, 4);
    System.out.printf("decoder next-token loss: worst relative gradient error %.2e%n", worst);
  }

  /** The decoder's final hidden state, scored at each text's last real token by a linear head. */
  static OnnxMl.ModelProto scorer(OnnxMl.ModelProto decoder, int hidden) {
    Graph g = new Graph(decoder);
    String h = g.producer.get("logits").getInput(0);
    Emitter e = new Emitter(g.opset, new HashSet<>(g.names), "ppm::");
    Random r = new Random(1);
    double[] head = new double[hidden];
    for (int i = 0; i < hidden; i++) {
      head[i] = r.nextGaussian() * 0.3;
    }
    e.initializers.add(Tensors.floating("v_head.weight", DataType.FLOAT_VALUE, head, hidden, 1));
    e.initializers.add(
        Tensors.floating("v_head.bias", DataType.FLOAT_VALUE, new double[] {0.1}, 1));
    String last = e.claim("last_index");
    // [n] -> [n, 1, hidden] indices for GatherElements along the sequence axis
    String idx =
        e.op(
            "Expand",
            e.unsqueeze(last, 1, 2),
            e.node("Concat")
                .in(
                    e.node("Gather").in(e.shapeOf(h), e.ints(0)).attr("axis", 0L).add(),
                    e.ints(1, hidden))
                .attr("axis", 0L)
                .add());
    String picked = e.node("GatherElements").in(h, idx).attr("axis", 1L).add();
    String score = e.add(e.matMul(e.squeeze(picked, 1), "v_head.weight"), "v_head.bias"); // [n, 1]
    e.node("Identity").in(score).out(e.claim("scores")).add();
    OnnxMl.GraphProto.Builder gb = decoder.getGraph().toBuilder();
    gb.addAllNode(e.nodes).addAllInitializer(e.initializers);
    gb.addInput(
        TrainingGraphBuilder.valueInfo(
            "last_index", ValueType.of(DataType.INT64_VALUE, List.of(Dim.symbol("batch_size")))));
    gb.addOutput(
        TrainingGraphBuilder.valueInfo("scores", ValueType.of(DataType.FLOAT_VALUE, null)));
    return Losses.pairwisePreference(decoder.toBuilder().setGraph(gb).build(), "scores");
  }

  @Test
  void pairwisePreferenceLossOfAScorerOnTheDecoder() throws Exception {
    OnnxMl.ModelProto m = scorer(TinyQwen2.model(C), C.hidden());
    List<String> params = new ArrayList<>(TorchReference.qwenParameters(m));
    params.remove("lm_head.weight"); // the scorer does not use the LM head
    params.add("v_head.weight");
    params.add("v_head.bias");
    // two pairs: texts 0, 1 chosen; 2, 3 rejected
    TorchReference.Batch b = LmBatches.random(23, 6, 6, 4, 5, 3);
    Map<String, Ort.T> f = batchFeeds(b);
    f.put("last_index", Ort.T.int64(new long[] {5, 3, 4, 2}, 4));
    double[] w = {1.0 / (2 * 3), 1.0 / (1 * 1)};
    f.put(Losses.PAIR_WEIGHTS, Ort.T.dbl(w, 2));
    OnnxMl.ModelProto dbl = ToDouble.convert(m);
    // the loss equals the reference formula on the scores
    GradientGraph gg =
        TrainingGraphBuilder.forModel(dbl)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .keepOutputs("scores")
            .buildGradients();
    TrainingGraph keep =
        TrainingGraphBuilder.forModel(m)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .keepOutputs("scores")
            .build();
    assertEquals(List.of("scores"), keep.extraOutputs());
    Map<String, Ort.T> all = new HashMap<>(f);
    for (OnnxMl.TensorProto t : dbl.getGraph().getInitializerList()) {
      if (params.contains(t.getName())) {
        all.put(t.getName(), Ort.T.dbl(Tensors.doubles(t), Tensors.dims(t)));
      }
    }
    OnnxMl.ModelProto withScores =
        gg.model().toBuilder()
            .setGraph(
                gg.model().getGraph().toBuilder()
                    .addOutput(
                        TrainingGraphBuilder.valueInfo(
                            "scores", ValueType.of(DataType.DOUBLE_VALUE, null))))
            .build();
    try (Ort s = new Ort(withScores)) {
      Map<String, Ort.Out> out = s.run(all);
      double[] sc = out.get("scores").v();
      double want = 0;
      for (int p = 0; p < 2; p++) {
        want += w[p] * -Math.log(1 / (1 + Math.exp(-(sc[p] - sc[p + 2]))));
      }
      assertEquals(want, out.get(Losses.LOSS).v()[0], 1e-12 * want);
    }
    double worst = check(dbl, params, f, 4);
    System.out.printf("pairwise preference scorer: worst relative gradient error %.2e%n", worst);
  }
}
