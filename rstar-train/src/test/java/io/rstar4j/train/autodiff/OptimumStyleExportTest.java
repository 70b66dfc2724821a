package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.testing.TinyQwen2;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An export written as Optimum writes unfused Qwen2 (opset 14, run-time shapes, Expand-based GQA,
 * in-graph rotary, Trilu masks, Gemm LM head; and the SimplifiedLayerNormalization variant) gets
 * the same loss and gradients as the TinyQwen2 graph holding the same weights, which {@link
 * Qwen2TorchReferenceTest} checks against PyTorch: so the export's gradients are PyTorch's too.
 */
class OptimumStyleExportTest {
  static final TinyQwen2.Config C = TinyQwen2.Config.tiny().withSeed(7);
  static TorchReference.Batch raw;
  static Map<String, Ort.Out> tinyGrads;
  static GradientGraph tinyGraph;

  @BeforeAll
  static void reference() throws Exception {
    raw = LmBatches.random(11, 9, 9, 6);
    OnnxMl.ModelProto tiny = Losses.tokenCrossEntropy(TinyQwen2.model(C), "logits");
    tinyGraph =
        TrainingGraphBuilder.forModel(ToDouble.convert(tiny))
            .trainable(TorchReference.qwenParameters(tiny))
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    try (Ort s = new Ort(tinyGraph.model())) {
      s.run(feeds(tiny, TorchReference.qwenParameters(tiny), true));
      tinyGrads = s.run(feeds(tiny, TorchReference.qwenParameters(tiny), true));
    }
  }

  static Map<String, Ort.T> feeds(OnnxMl.ModelProto m, List<String> params, boolean dbl) {
    Map<String, Ort.T> f = new java.util.HashMap<>();
    int b = raw.ids().length;
    int s = raw.ids()[0].length;
    f.put("input_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.ids()), b, s));
    f.put("attention_mask", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.mask()), b, s));
    f.put("position_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.pos()), b, s));
    f.put(Losses.LABELS, Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.labels()), b, s));
    double[] w = new double[b * s];
    for (int i = 0; i < b; i++) {
      System.arraycopy(raw.weights()[i], 0, w, i * s, s);
    }
    f.put(Losses.LABEL_WEIGHTS, dbl ? Ort.T.dbl(w, b, s) : Ort.T.flt(w, b, s));
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (params.contains(t.getName())) {
        double[] v = Tensors.doubles(t);
        f.put(t.getName(), dbl ? Ort.T.dbl(v, Tensors.dims(t)) : Ort.T.flt(v, Tensors.dims(t)));
      }
    }
    return f;
  }

  static void check(boolean simplifiedNorm) throws Exception {
    OptimumStyleQwen2.Export e = OptimumStyleQwen2.build(C, simplifiedNorm);
    OnnxMl.ModelProto withLoss = Losses.tokenCrossEntropy(e.model(), "logits");
    List<String> params = new ArrayList<>(e.source().keySet());
    params.remove("rotary.inv_freq");
    GradientGraph gg =
        TrainingGraphBuilder.forModel(ToDouble.convert(withLoss))
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    Map<String, Integer> ops = new TreeMap<>();
    for (OnnxMl.NodeProto n : e.model().getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    Map<String, Ort.Out> out;
    try (Ort s = new Ort(gg.model())) {
      out = s.run(feeds(withLoss, params, true));
    }
    double want = tinyGrads.get(Losses.LOSS).v()[0];
    assertEquals(want, out.get(Losses.LOSS).v()[0], 1e-13 * want);
    double worst = 0;
    for (String p : params) {
      double[] got = out.get(gg.gradientOutputs().get(p)).v();
      double[] ref = tinyGrads.get(tinyGraph.gradientOutputs().get(e.source().get(p))).v();
      if (e.transposed().get(p)) {
        ref = transpose(ref, shapeOf(withLoss, p));
      }
      double[] dd = Qwen2TorchReferenceTest.diff(got, ref);
      worst = Math.max(worst, dd[1]);
      assertTrue(dd[1] <= 1e-12, p + " differs by " + dd[1] + " relative");
    }
    System.out.printf(
        "Optimum-style export (%s, opset %d, %d ops %s): loss and %d gradients equal TinyQwen2's,"
            + " worst relative difference %.2e%n",
        simplifiedNorm ? "SimplifiedLayerNormalization" : "unfused RMSNorm",
        e.model().getOpsetImport(0).getVersion(),
        e.model().getGraph().getNodeCount(),
        ops.keySet(),
        params.size(),
        worst);
  }

  /**
   * A [rows, cols] gradient (rows = cols of the original) transposed: t is the original's shape.
   */
  static double[] transpose(double[] tinyGrad, long[] exportShape) {
    // tinyGrad is [in, out]; the export holds [out, in] = exportShape.
    int out = (int) exportShape[0];
    int in = (int) exportShape[1];
    double[] r = new double[tinyGrad.length];
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < out; j++) {
        r[j * in + i] = tinyGrad[i * out + j];
      }
    }
    return r;
  }

  static long[] shapeOf(OnnxMl.ModelProto m, String name) {
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getName().equals(name)) {
        return Tensors.dims(t);
      }
    }
    throw new IllegalArgumentException(name);
  }

  @Test
  void unfusedOpset14ExportHasTinyQwen2sGradients() throws Exception {
    check(false);
  }

  @Test
  void simplifiedLayerNormExportHasTinyQwen2sGradients() throws Exception {
    check(true);
  }

  @Test
  void exportTrainsInASession() {
    OptimumStyleQwen2.Export e = OptimumStyleQwen2.build(C, false);
    OnnxMl.ModelProto withLoss = Losses.tokenCrossEntropy(e.model(), "logits");
    List<String> params = new ArrayList<>(e.source().keySet());
    params.remove("rotary.inv_freq");
    TrainingGraph step =
        TrainingGraphBuilder.forModel(withLoss)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .build();
    try (TrainingSession s =
        TrainingSession.builder(step)
            .intraOpThreads(1)
            .provider(io.rstar4j.core.model.ProviderChoice.CPU)
            .build()) {
      double first = s.step(LmBatches.toBatch(raw), 1e-2).loss();
      assertEquals(tinyGrads.get(Losses.LOSS).v()[0], first, 1e-5 * first);
      double last = first;
      for (int i = 0; i < 10; i++) {
        last = s.step(LmBatches.toBatch(raw), 1e-2).loss();
      }
      assertTrue(last < first, first + " -> " + last);
    }
  }
}
