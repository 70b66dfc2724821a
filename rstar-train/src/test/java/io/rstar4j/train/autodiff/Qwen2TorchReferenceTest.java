package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonObject;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole decoder against PyTorch: the loss and every parameter's gradient of a TinyQwen2 model
 * (float32 and its double variant) on one padded batch equal those of an independent PyTorch Qwen2
 * ({@code qwen2_reference.py}: RMSNorm, rotary, GQA, SwiGLU) on the same weights, and two clipped
 * AdamW steps of the training-step graph equal {@code clip_grad_norm_} + {@code torch.optim.AdamW}.
 * Runs wherever {@code /usr/bin/python3} has torch.
 */
class Qwen2TorchReferenceTest {
  static final TinyQwen2.Config C = TinyQwen2.Config.tiny().withSeed(7);
  static final double LR = 1e-3;
  static final double WD = 0.1;

  /** Tolerances: the float32 graph against float64 PyTorch, the double graph against it. */
  static final double F32_REL = 1e-5;

  static final double F64_REL = 1e-12;

  @TempDir static Path dir;

  static OnnxMl.ModelProto withLoss;
  static List<String> params;
  static TorchReference.Batch batch;
  static JsonObject torch;
  static double maxNorm;
  static Map<String, Ort.Out> f32;
  static Map<String, Ort.Out> f64;
  static GradientGraph gf;
  static GradientGraph gd;

  @BeforeAll
  static void runBoth() throws Exception {
    String why = TorchReference.unavailable();
    assumeTrue(why == null, "PyTorch reference skipped: " + why);
    OnnxMl.ModelProto fwd = TinyQwen2.model(C);
    withLoss = Losses.tokenCrossEntropy(fwd, "logits");
    params = TorchReference.qwenParameters(fwd);
    batch = batch();
    gf =
        TrainingGraphBuilder.forModel(withLoss)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    gd =
        TrainingGraphBuilder.forModel(ToDouble.convert(withLoss))
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    try (Ort s = new Ort(gf.model())) {
      f32 = s.run(feeds(false));
    }
    try (Ort s = new Ort(gd.model())) {
      f64 = s.run(feeds(true));
    }
    maxNorm = 0.5 * f64.get(TrainingGraph.GRAD_NORM).v()[0];
    JsonObject adam = new JsonObject();
    adam.addProperty("lr", LR);
    adam.addProperty("beta1", 0.9);
    adam.addProperty("beta2", 0.999);
    adam.addProperty("eps", 1e-8);
    adam.addProperty("weight_decay", WD);
    adam.addProperty("max_norm", maxNorm);
    adam.addProperty("steps", 2);
    torch = TorchReference.run(dir, C, withLoss, params, batch, adam);
  }

  static TorchReference.Batch batch() {
    Random r = new Random(11);
    int b = 2;
    int s = 9;
    int[] len = {9, 6};
    long[][] ids = new long[b][s];
    long[][] mask = new long[b][s];
    long[][] pos = new long[b][s];
    long[][] labels = new long[b][s];
    double[][] w = new double[b][s];
    int count = 0;
    for (int i = 0; i < b; i++) {
      for (int t = 0; t < s; t++) {
        boolean real = t < len[i];
        ids[i][t] = real ? r.nextInt(TinyQwen2.vocabSize()) : 0;
        mask[i][t] = real ? 1 : 0;
        pos[i][t] = t;
      }
      for (int t = 0; t < s; t++) {
        boolean scored = t >= 1 && t < len[i] - 1;
        labels[i][t] = scored ? ids[i][t + 1] : -100;
        count += scored ? 1 : 0;
      }
    }
    for (int i = 0; i < b; i++) {
      for (int t = 0; t < s; t++) {
        w[i][t] = labels[i][t] >= 0 ? 1.0 / count : 0;
      }
    }
    return new TorchReference.Batch(ids, mask, pos, labels, w);
  }

  static Map<String, Ort.T> batchFeeds(boolean dbl) {
    Map<String, Ort.T> f = new HashMap<>();
    int b = batch.ids().length;
    int s = batch.ids()[0].length;
    f.put("input_ids", Ort.T.int64(flat(batch.ids()), b, s));
    f.put("attention_mask", Ort.T.int64(flat(batch.mask()), b, s));
    f.put("position_ids", Ort.T.int64(flat(batch.pos()), b, s));
    f.put(Losses.LABELS, Ort.T.int64(flat(batch.labels()), b, s));
    double[] w = new double[b * s];
    for (int i = 0; i < b; i++) {
      System.arraycopy(batch.weights()[i], 0, w, i * s, s);
    }
    f.put(Losses.LABEL_WEIGHTS, dbl ? Ort.T.dbl(w, b, s) : Ort.T.flt(w, b, s));
    return f;
  }

  static Map<String, Ort.T> feeds(boolean dbl) {
    Map<String, Ort.T> f = batchFeeds(dbl);
    for (OnnxMl.TensorProto t : withLoss.getGraph().getInitializerList()) {
      if (params.contains(t.getName())) {
        double[] v = Tensors.doubles(t);
        long[] shape = Tensors.dims(t);
        f.put(t.getName(), dbl ? Ort.T.dbl(v, shape) : Ort.T.flt(v, shape));
      }
    }
    return f;
  }

  static long[] flat(long[][] a) {
    long[] r = new long[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, r, i * a[0].length, a[0].length);
    }
    return r;
  }

  /** {max abs difference, max abs difference / max abs reference} over one tensor. */
  static double[] diff(double[] got, double[] want) {
    assertEquals(want.length, got.length);
    double d = 0;
    double scale = 0;
    for (int i = 0; i < got.length; i++) {
      d = Math.max(d, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    return new double[] {d, scale == 0 ? d : d / scale};
  }

  @Test
  void lossAndEveryGradientEqualPyTorch() throws Exception {
    double lossRef = torch.get("loss_f64").getAsDouble();
    double lossF32 = f32.get(Losses.LOSS).v()[0];
    double lossF64 = f64.get(Losses.LOSS).v()[0];
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "loss: PyTorch float64 %.12f, ONNX float32 %.12f (diff %.2e), ONNX double %.12f (diff"
                + " %.2e), PyTorch float32 %.12f%n",
            lossRef,
            lossF32,
            Math.abs(lossF32 - lossRef),
            lossF64,
            Math.abs(lossF64 - lossRef),
            torch.get("loss_f32").getAsDouble()));
    assertEquals(lossRef, lossF64, 1e-13 * Math.abs(lossRef));
    assertEquals(lossRef, lossF32, 1e-6 * Math.abs(lossRef));
    double[] worst32 = new double[2];
    double[] worst64 = new double[2];
    double[] worstTorch32 = new double[2];
    Map<String, double[][]> rows = new LinkedHashMap<>();
    for (String p : params) {
      double[] ref = TorchReference.readF64(dir.resolve("out").resolve(p + ".grad.f64"));
      double[] t32 = TorchReference.readF64(dir.resolve("out").resolve(p + ".grad.f32"));
      double[] a = diff(f32.get(gf.gradientOutputs().get(p)).v(), ref);
      double[] b = diff(f64.get(gd.gradientOutputs().get(p)).v(), ref);
      double[] c = diff(t32, ref);
      rows.put(p, new double[][] {a, b, c});
      for (int i = 0; i < 2; i++) {
        worst32[i] = Math.max(worst32[i], a[i]);
        worst64[i] = Math.max(worst64[i], b[i]);
        worstTorch32[i] = Math.max(worstTorch32[i], c[i]);
      }
    }
    report.append(
        String.format(
            "gradients of %d parameters (max abs diff, max abs diff / max |grad| per tensor):%n"
                + "  ONNX float32 vs PyTorch float64: %.2e, %.2e%n"
                + "  ONNX double  vs PyTorch float64: %.2e, %.2e%n"
                + "  PyTorch float32 vs float64 (for scale): %.2e, %.2e%n",
            params.size(),
            worst32[0],
            worst32[1],
            worst64[0],
            worst64[1],
            worstTorch32[0],
            worstTorch32[1]));
    for (Map.Entry<String, double[][]> e : rows.entrySet()) {
      report.append(
          String.format(
              "  %-45s f32 %.1e/%.1e  f64 %.1e/%.1e%n",
              e.getKey(),
              e.getValue()[0][0],
              e.getValue()[0][1],
              e.getValue()[1][0],
              e.getValue()[1][1]));
    }
    System.out.print(report);
    for (Map.Entry<String, double[][]> e : rows.entrySet()) {
      assertTrue(e.getValue()[0][1] <= F32_REL, () -> e.getKey() + " float32: " + report);
      assertTrue(e.getValue()[1][1] <= F64_REL, () -> e.getKey() + " double: " + report);
    }
  }

  @Test
  void twoClippedAdamWStepsEqualPyTorch() throws Exception {
    TrainingGraph step =
        TrainingGraphBuilder.forModel(ToDouble.convert(withLoss))
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .build();
    Map<String, Ort.T> state = new HashMap<>();
    for (TrainingGraph.Parameter p : step.parameters()) {
      double[] v = Tensors.doubles(p.initial());
      long[] shape = Tensors.dims(p.initial());
      state.put(p.name(), Ort.T.dbl(v, shape));
      state.put(p.moment1Input(), Ort.T.dbl(new double[v.length], shape));
      state.put(p.moment2Input(), Ort.T.dbl(new double[v.length], shape));
    }
    double[] norms = new double[2];
    try (Ort s = new Ort(step.model())) {
      for (int t = 1; t <= 2; t++) {
        Map<String, Ort.T> f = batchFeeds(true);
        f.putAll(state);
        f.put(TrainingGraph.LEARNING_RATE, Ort.T.dbl(new double[] {LR}));
        f.put(TrainingGraph.WEIGHT_DECAY, Ort.T.dbl(new double[] {WD}));
        f.put(TrainingGraph.MAX_GRAD_NORM, Ort.T.dbl(new double[] {maxNorm}));
        f.put(TrainingGraph.STEP, Ort.T.int64(new long[] {t}));
        Map<String, Ort.Out> out = s.run(f);
        norms[t - 1] = out.get(TrainingGraph.GRAD_NORM).v()[0];
        for (TrainingGraph.Parameter p : step.parameters()) {
          long[] shape = Tensors.dims(p.initial());
          state.put(p.name(), Ort.T.dbl(out.get(p.output()).v(), shape));
          state.put(p.moment1Input(), Ort.T.dbl(out.get(p.moment1Output()).v(), shape));
          state.put(p.moment2Input(), Ort.T.dbl(out.get(p.moment2Output()).v(), shape));
        }
      }
    }
    for (int t = 0; t < 2; t++) {
      double want = torch.getAsJsonArray("grad_norms").get(t).getAsDouble();
      assertEquals(want, norms[t], 1e-12 * want, "grad norm at step " + (t + 1));
    }
    double worstP = 0;
    double worstM = 0;
    double worstV = 0;
    for (TrainingGraph.Parameter p : step.parameters()) {
      Path out = dir.resolve("out");
      worstP =
          Math.max(
              worstP,
              diff(
                  state.get(p.name()).d(),
                  TorchReference.readF64(out.resolve(p.name() + ".after")))[0]);
      worstM =
          Math.max(
              worstM,
              diff(
                  state.get(p.moment1Input()).d(),
                  TorchReference.readF64(out.resolve(p.name() + ".m")))[1]);
      worstV =
          Math.max(
              worstV,
              diff(
                  state.get(p.moment2Input()).d(),
                  TorchReference.readF64(out.resolve(p.name() + ".v")))[1]);
    }
    System.out.printf(
        "two clipped AdamW steps (double graph vs PyTorch float64): params max abs diff %.2e"
            + " (lr %.0e), m rel %.2e, v rel %.2e, grad norms %s%n",
        worstP, LR, worstM, worstV, java.util.Arrays.toString(norms));
    assertTrue(worstP <= 1e-10 * LR, "params " + worstP);
    assertTrue(worstM <= 1e-12, "m " + worstM);
    assertTrue(worstV <= 1e-12, "v " + worstV);
  }
}
