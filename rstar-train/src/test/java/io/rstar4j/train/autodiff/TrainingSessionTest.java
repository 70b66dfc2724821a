package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session over the step graph: same numbers as the graph run by hand, state round trips. */
class TrainingSessionTest {
  static final TinyQwen2.Config C = new TinyQwen2.Config(32, 2, 4, 2, 48, 64, 10000, 1e-6, 3);
  static OnnxMl.ModelProto forward;
  static OnnxMl.ModelProto withLoss;
  static TrainingGraph step;
  static List<String> params;
  static TorchReference.Batch raw;
  static Map<String, Tensor> batch;

  @TempDir Path dir;

  @BeforeAll
  static void build() {
    forward = TinyQwen2.model(C);
    withLoss = Losses.tokenCrossEntropy(forward, "logits");
    params = TorchReference.qwenParameters(forward);
    step =
        TrainingGraphBuilder.forModel(withLoss)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .build();
    raw = LmBatches.random(5, 8, 8, 5, 7);
    batch = LmBatches.toBatch(raw);
  }

  static TrainingSession session() {
    return TrainingSession.builder(step)
        .weightDecay(0.01)
        .maxGradNorm(0.5)
        .intraOpThreads(1)
        .build();
  }

  @Test
  void stepsEqualTheGraphRunByHand() throws Exception {
    double lr = 3e-3;
    Map<String, Ort.T> state = new HashMap<>();
    for (TrainingGraph.Parameter p : step.parameters()) {
      double[] v = Tensors.doubles(p.initial());
      long[] shape = Tensors.dims(p.initial());
      state.put(p.name(), Ort.T.flt(v, shape));
      state.put(p.moment1Input(), Ort.T.flt(new double[v.length], shape));
      state.put(p.moment2Input(), Ort.T.flt(new double[v.length], shape));
    }
    double[] handLoss = new double[3];
    try (Ort s = new Ort(step.model())) {
      for (int t = 1; t <= 3; t++) {
        Map<String, Ort.T> f = new HashMap<>(state);
        f.put("input_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.ids()), 3, 8));
        f.put("attention_mask", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.mask()), 3, 8));
        f.put("position_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.pos()), 3, 8));
        f.put(Losses.LABELS, Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.labels()), 3, 8));
        double[] w = new double[24];
        for (int i = 0; i < 3; i++) {
          System.arraycopy(raw.weights()[i], 0, w, i * 8, 8);
        }
        f.put(Losses.LABEL_WEIGHTS, Ort.T.flt(w, 3, 8));
        f.put(TrainingGraph.LEARNING_RATE, Ort.T.flt(new double[] {lr}));
        f.put(TrainingGraph.WEIGHT_DECAY, Ort.T.flt(new double[] {0.01}));
        f.put(TrainingGraph.MAX_GRAD_NORM, Ort.T.flt(new double[] {0.5}));
        f.put(TrainingGraph.STEP, Ort.T.int64(new long[] {t}));
        Map<String, Ort.Out> out = s.run(f);
        handLoss[t - 1] = out.get(Losses.LOSS).v()[0];
        for (TrainingGraph.Parameter p : step.parameters()) {
          long[] shape = Tensors.dims(p.initial());
          state.put(p.name(), Ort.T.flt(out.get(p.output()).v(), shape));
          state.put(p.moment1Input(), Ort.T.flt(out.get(p.moment1Output()).v(), shape));
          state.put(p.moment2Input(), Ort.T.flt(out.get(p.moment2Output()).v(), shape));
        }
      }
    }
    try (TrainingSession s = session()) {
      for (int t = 0; t < 3; t++) {
        TrainingSession.StepResult r = s.step(batch, lr);
        assertEquals(t + 1, r.step());
        assertEquals(handLoss[t], r.loss(), 1e-6 * Math.abs(handLoss[t]), "loss at step " + t);
      }
      for (TrainingGraph.Parameter p : step.parameters()) {
        float[] got = s.parameter(p.name());
        double[] want = state.get(p.name()).d();
        for (int i = 0; i < got.length; i++) {
          assertEquals(want[i], got[i], 1e-6, p.name() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void lossFallsOnARepeatedBatch() {
    try (TrainingSession s =
        TrainingSession.builder(step).intraOpThreads(1).provider(ProviderChoice.CPU).build()) {
      double first = s.step(batch, 1e-2).loss();
      double last = first;
      for (int i = 0; i < 40; i++) {
        last = s.step(batch, 1e-2).loss();
      }
      assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
    }
  }

  /** The feeds of one step of the graph run by hand, from zero moments. */
  static Map<String, Ort.T> firstStepFeeds(double lr) {
    Map<String, Ort.T> f = new HashMap<>();
    for (TrainingGraph.Parameter p : step.parameters()) {
      double[] v = Tensors.doubles(p.initial());
      long[] shape = Tensors.dims(p.initial());
      f.put(p.name(), Ort.T.flt(v, shape));
      f.put(p.moment1Input(), Ort.T.flt(new double[v.length], shape));
      f.put(p.moment2Input(), Ort.T.flt(new double[v.length], shape));
    }
    f.put("input_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.ids()), 3, 8));
    f.put("attention_mask", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.mask()), 3, 8));
    f.put("position_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.pos()), 3, 8));
    f.put(Losses.LABELS, Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.labels()), 3, 8));
    double[] w = new double[24];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(raw.weights()[i], 0, w, i * 8, 8);
    }
    f.put(Losses.LABEL_WEIGHTS, Ort.T.flt(w, 3, 8));
    f.put(TrainingGraph.LEARNING_RATE, Ort.T.flt(new double[] {lr}));
    f.put(TrainingGraph.WEIGHT_DECAY, Ort.T.flt(new double[] {0.01}));
    f.put(TrainingGraph.MAX_GRAD_NORM, Ort.T.flt(new double[] {0.5}));
    f.put(TrainingGraph.STEP, Ort.T.int64(new long[] {1}));
    return f;
  }

  @Test
  void optimisedGraphRunsAndAgreesWithTheUnoptimisedOne() throws Exception {
    Path opt = dir.resolve("optimised.onnx");
    Map<String, Ort.Out> a;
    Map<String, Ort.Out> b;
    try (Ort s = new Ort(step.model(), OrtSession.SessionOptions.OptLevel.ALL_OPT, opt)) {
      a = s.run(firstStepFeeds(1e-3));
    }
    try (Ort s = new Ort(step.model(), OrtSession.SessionOptions.OptLevel.NO_OPT)) {
      b = s.run(firstStepFeeds(1e-3));
    }
    double lb = b.get(Losses.LOSS).v()[0];
    assertEquals(lb, a.get(Losses.LOSS).v()[0], 1e-5 * lb);
    double nb = b.get(TrainingGraph.GRAD_NORM).v()[0];
    assertEquals(nb, a.get(TrainingGraph.GRAD_NORM).v()[0], 1e-4 * nb);
    for (TrainingGraph.Parameter p : step.parameters()) {
      double[] pa = a.get(p.output()).v();
      double[] pb = b.get(p.output()).v();
      for (int i = 0; i < pa.length; i++) {
        assertEquals(pb[i], pa[i], 1e-6, p.name() + "[" + i + "]");
      }
    }
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(opt));
    Map<String, Integer> ops = new java.util.TreeMap<>();
    for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    Map<String, Integer> before = new java.util.TreeMap<>();
    for (OnnxMl.NodeProto n : step.model().getGraph().getNodeList()) {
      before.merge(n.getOpType(), 1, Integer::sum);
    }
    System.out.println("step graph ops: " + before);
    System.out.println("after ONNX Runtime's optimiser: " + ops);
    // Backward matrix products with a transposed operand become FusedMatMul.
    assertTrue(ops.getOrDefault("FusedMatMul", 0) > 0, ops.toString());
  }

  @Test
  void stateRoundTripsAndResumesExactly() {
    TrainingSession.State snap;
    float[] want;
    try (TrainingSession s = session()) {
      s.step(batch, 1e-3);
      s.step(batch, 1e-3);
      snap = s.state();
      s.step(batch, 1e-3);
      s.step(batch, 1e-3);
      want = s.parameter("lm_head.weight");
    }
    try (TrainingSession s = session()) {
      s.restore(snap);
      assertEquals(2, s.steps());
      s.step(batch, 1e-3);
      assertEquals(4, s.step(batch, 1e-3).step());
      assertArrayEquals(want, s.parameter("lm_head.weight"));
    }
  }

  @Test
  void trainedWeightsExportIntoTheForwardModel() throws Exception {
    try (TrainingSession s = session()) {
      s.step(batch, 1e-2);
      s.step(batch, 1e-2);
      OnnxMl.ModelProto trained = s.withTrainedWeights(withLoss);
      double next = s.step(batch, 1e-2).loss();
      // The exported model's loss equals the loss the next step saw (before its update).
      GradientGraph g =
          TrainingGraphBuilder.forModel(trained)
              .trainable(List.of("lm_head.weight"))
              .loss(Losses.LOSS)
              .withoutPastKeyValues()
              .buildGradients();
      try (Ort o = new Ort(g.model())) {
        Map<String, Ort.T> f = new HashMap<>();
        f.put("input_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.ids()), 3, 8));
        f.put("attention_mask", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.mask()), 3, 8));
        f.put("position_ids", Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.pos()), 3, 8));
        f.put(Losses.LABELS, Ort.T.int64(Qwen2TorchReferenceTest.flat(raw.labels()), 3, 8));
        double[] w = new double[24];
        for (int i = 0; i < 3; i++) {
          System.arraycopy(raw.weights()[i], 0, w, i * 8, 8);
        }
        f.put(Losses.LABEL_WEIGHTS, Ort.T.flt(w, 3, 8));
        OnnxMl.TensorProto head =
            trained.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("lm_head.weight"))
                .findFirst()
                .orElseThrow();
        f.put("lm_head.weight", Ort.T.flt(Tensors.doubles(head), Tensors.dims(head)));
        assertEquals(next, o.run(f).get(Losses.LOSS).v()[0], 1e-5 * next);
      }
      // the export without the loss takes the same weights
      s.withTrainedWeights(forward);
    }
  }

  @Test
  void badBatchesAreRefusedWithTheInputNamed() {
    try (TrainingSession s = session()) {
      Map<String, Tensor> missing = Map.of("input_ids", Tensor.of(new long[8], 1, 8));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> s.step(missing, 1e-3))
              .getMessage()
              .contains("lacks the input"));
      Map<String, Tensor> extra = new HashMap<>(batch);
      extra.put("token_type_ids", Tensor.of(new long[24], 3, 8));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> s.step(extra, 1e-3))
              .getMessage()
              .contains("'token_type_ids', which is not an input"));
      Map<String, Tensor> wrongType = new HashMap<>(batch);
      wrongType.put("input_ids", Tensor.of(new float[24], 3, 8));
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> s.step(wrongType, 1e-3))
              .getMessage()
              .contains("'input_ids' must be INT64"));
      assertThrows(IllegalArgumentException.class, () -> s.step(batch, -1));
      assertEquals(0, s.steps());
    }
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[3], 2, 2));
  }
}
