package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.testing.TinyDecoderBackbone;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.autodiff.GradientGraph;
import io.rstar4j.train.autodiff.Losses;
import io.rstar4j.train.autodiff.TrainingGraphBuilder;
import io.rstar4j.train.data.PreferencePair;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full and LoRA fine-tuning of a PPM on the tiny decoder. */
class FineTuneTest {
  @TempDir static Path dir;
  static Path decoder;
  static Path policy;

  @BeforeAll
  static void backbones() throws Exception {
    decoder = TinyDecoderBackbone.write(dir.resolve("decoder"));
    policy = dir.resolve("policy");
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), policy); // logits only: a causal LM export
  }

  /**
   * The preferred step's marker comes first and noise after it, so the last token alone says
   * little.
   */
  static List<PreferencePair> pairs(int questions, long seed) {
    Random r = new Random(seed);
    String[] words = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"};
    List<PreferencePair> out = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      String prompt = PromptTemplate.TRAINING.head("q" + q + " " + words[r.nextInt(8)]);
      for (int k = 0; k < 2; k++) {
        String n1 = words[r.nextInt(8)] + " " + words[r.nextInt(8)];
        String n2 = words[r.nextInt(8)] + " " + words[r.nextInt(8)];
        out.add(
            new PreferencePair(
                prompt, " no " + n1, " yes " + n2, 1 + r.nextInt(2), 1 + r.nextInt(2)));
      }
    }
    return out;
  }

  static BackboneSettings settings(int context) {
    return BackboneSettings.builder().contextLength(context).batchSize(8).build();
  }

  static TrainingConfig config(int epochs, double lr) {
    return TrainingConfig.builder()
        .epochs(epochs)
        .batchSize(8)
        .learningRate(lr)
        .weightDecay(0)
        .heldOutFraction(0.25)
        .patience(10)
        .seed(1)
        .build();
  }

  @Test
  void fullFineTuningDrivesTheLossBelowHeadOnlyAndSavesALoadablePpm() throws Exception {
    List<PreferencePair> pairs = pairs(16, 3);
    TrainingConfig c = config(4, 3e-3);
    Path out = dir.resolve("full-ppm");
    TrainingResult full =
        PpmTrainer.fineTune(
            decoder, Tokenizers::fromFile, settings(64), c, FineTuning.full(), pairs, out, null);
    TrainingResult head;
    try (Backbone b =
        ProcessPreferenceModel.openBackbone(decoder, Tokenizers::fromFile, settings(64))) {
      head = new PpmTrainer(b, c).train(pairs, null, null);
    }
    double fullLoss = full.epochs().get(3).trainLoss();
    double headLoss = head.epochs().get(3).trainLoss();
    System.out.printf(
        "full: train loss %.4f held-out acc %.3f | head: train loss %.4f held-out acc %.3f%n",
        fullLoss, full.heldOutAccuracy(), headLoss, head.epochs().get(3).heldOutAccuracy());
    assertTrue(fullLoss < full.epochs().get(0).trainLoss(), "full fine-tuning lowers its loss");
    assertTrue(
        fullLoss < 0.8 * headLoss,
        "full " + fullLoss + " should be well below head-only " + headLoss + " on the same budget");
    assertFalse(Files.exists(FineTuner.partialDir(out.toAbsolutePath())), "checkpoints removed");

    // the saved directory loads unchanged; the Java head on last_hidden_state equals the merged
    // graph's values output, and the held-out accuracy is the one reported
    List<Integer> held = PpmTrainer.split(pairs, c).get(1);
    try (ProcessPreferenceModel ppm = ProcessPreferenceModel.load(out);
        GraphSession merged = GraphSession.builder().open(out.resolve("model.onnx"))) {
      FineTuner ft =
          new FineTuner(decoder, Tokenizers::fromFile, settings(64), c, FineTuning.full());
      ft.prepare();
      long correct = 0;
      for (int i : held) {
        PreferencePair p = pairs.get(i);
        double[] raw = ppm.rawScores(List.of(p.prompt() + p.pos(), p.prompt() + p.neg()));
        float[] viaGraph =
            FineTuner.scores(
                merged,
                List.of(ft.tokenize(p.prompt() + p.pos()), ft.tokenize(p.prompt() + p.neg())));
        assertEquals(viaGraph[0], raw[0], 1e-4);
        assertEquals(viaGraph[1], raw[1], 1e-4);
        if (raw[0] > raw[1]) {
          correct++;
        }
      }
      assertEquals(full.heldOutAccuracy(), (double) correct / held.size(), 1e-9);
      String json = Files.readString(out.resolve(ValueHead.FILE_NAME));
      assertTrue(json.contains("\"squash\":\"tanh(r/5)\""), json);
      assertEquals(full.head(), ValueHead.load(out.resolve(ValueHead.FILE_NAME)));
    }
    // a finished PPM directory is not overwritten
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PpmTrainer.fineTune(
                    decoder,
                    Tokenizers::fromFile,
                    settings(64),
                    c,
                    FineTuning.full(),
                    pairs,
                    out,
                    null));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void pairwiseLossGradientMatchesTheAnalyticHeadGradientAndFiniteDifferences() throws Exception {
    List<PreferencePair> pairs = pairs(3, 5);
    FineTuning noDropout = new FineTuning(TrainMode.FULL, 8, 16, 0);
    FineTuner ft =
        new FineTuner(policy, Tokenizers::fromFile, settings(64), config(1, 1e-3), noDropout);
    ft.prepare();
    GradientGraph g =
        TrainingGraphBuilder.forModel(ft.withLoss)
            .trainable(ft.trainable)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .buildGradients();
    Map<String, int[]> ids = new HashMap<>();
    for (PreferencePair p : pairs) {
      ids.put(p.prompt() + p.pos(), ft.tokenize(p.prompt() + p.pos()));
      ids.put(p.prompt() + p.neg(), ft.tokenize(p.prompt() + p.neg()));
    }
    List<Integer> batch = List.of(0, 1, 2, 3, 4, 5);
    Map<String, Tensor> feeds = ft.trainingFeeds(pairs, batch, ids, new Random(0));
    Map<String, OnnxMl.TensorProto> inits = PpmGraphs.initializers(ft.withLoss.getGraph());
    Map<String, float[]> params = new HashMap<>();
    for (String n : ft.trainable) {
      params.put(n, PpmGraphs.floats(inits.get(n)));
    }
    int h = 64;
    float[] w = new float[h];
    Random r = new Random(2);
    for (int i = 0; i < h; i++) {
      w[i] = (float) (0.3 * r.nextGaussian());
    }
    params.put(PpmGraphs.HEAD_WEIGHT, w);
    params.put(PpmGraphs.HEAD_BIAS, new float[] {0.2f});
    try (GraphSession s = GraphSession.builder().open(g.model().toByteArray(), "grads")) {
      Map<String, float[]> out = run(s, g, feeds, params);
      // analytic: dL/dw = sum_p c_p * -sigmoid(-(r_pos - r_neg)) * (h_pos - h_neg), dL/db = 0
      Map<String, float[]> trained = new HashMap<>(params);
      byte[] merged = ft.mergedModel(trained);
      try (GraphSession m = GraphSession.builder().open(merged, "merged")) {
        List<int[]> rows = ft.rows(pairs, batch, ids);
        float[][] hs = lastHidden(m, rows, h);
        double[] want = new double[h];
        double loss = 0;
        for (int p = 0; p < batch.size(); p++) {
          double rp = dot(w, hs[p]) + 0.2;
          double rn = dot(w, hs[batch.size() + p]) + 0.2;
          double c = pairs.get(batch.get(p)).lossWeight();
          double sig = 1 / (1 + Math.exp(rp - rn)); // sigmoid(-(rp - rn))
          loss += c * Math.log1p(Math.exp(-(rp - rn)));
          for (int i = 0; i < h; i++) {
            want[i] += c * -sig * (hs[p][i] - hs[batch.size() + p][i]);
          }
        }
        assertEquals(loss, out.get(Losses.LOSS)[0], 1e-4 * Math.max(1, loss));
        float[] got = out.get(g.gradientOutputs().get(PpmGraphs.HEAD_WEIGHT));
        for (int i = 0; i < h; i++) {
          assertEquals(want[i], got[i], 1e-4 + 1e-3 * Math.abs(want[i]), "head weight " + i);
        }
        assertEquals(0, out.get(g.gradientOutputs().get(PpmGraphs.HEAD_BIAS))[0], 1e-5);
      }
      // finite differences on the largest gradient coordinates of backbone parameters
      int checked = 0;
      for (String name :
          List.of(
              "model.embed_tokens.weight",
              "model.layers.0.self_attn.q_proj.weight",
              "model.layers.1.mlp.down_proj.weight",
              "model.norm.weight")) {
        float[] grad = out.get(g.gradientOutputs().get(name));
        int best = 0;
        for (int i = 1; i < grad.length; i++) {
          if (Math.abs(grad[i]) > Math.abs(grad[best])) {
            best = i;
          }
        }
        float[] p0 = params.get(name);
        float eps = 1e-2f * Math.max(1f, Math.abs(p0[best]));
        double[] l = new double[2];
        for (int side = 0; side < 2; side++) {
          float[] moved = p0.clone();
          moved[best] += side == 0 ? eps : -eps;
          Map<String, float[]> q = new HashMap<>(params);
          q.put(name, moved);
          l[side] = run(s, g, feeds, q).get(Losses.LOSS)[0];
        }
        double fd = (l[0] - l[1]) / (2 * eps);
        assertTrue(Math.abs(grad[best]) > 1e-4, name + " has a gradient");
        assertEquals(fd, grad[best], 0.05 * Math.abs(grad[best]) + 2e-4, name + "[" + best + "]");
        checked++;
      }
      assertEquals(4, checked);
    }
  }

  private static Map<String, float[]> run(
      GraphSession s, GradientGraph g, Map<String, Tensor> feeds, Map<String, float[]> params) {
    Map<String, Tensor> in = new HashMap<>(feeds);
    for (var spec : g.parameters()) {
      long[] shape = spec.shape().stream().mapToLong(Long::longValue).toArray();
      in.put(spec.name(), Tensor.of(params.get(spec.name()), shape));
    }
    Map<String, float[]> out = new HashMap<>();
    s.run(in).forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static float[][] lastHidden(GraphSession m, List<int[]> rows, int h) {
    int len = rows.stream().mapToInt(x -> x.length).max().orElse(1);
    int b = rows.size();
    long[] ids = new long[b * len];
    long[] mask = new long[b * len];
    long[] pos = new long[b * len];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < rows.get(i).length; j++) {
        ids[i * len + j] = rows.get(i)[j];
        mask[i * len + j] = 1;
        pos[i * len + j] = j;
      }
    }
    Map<String, Tensor> in = new HashMap<>();
    for (var e : m.inputs().entrySet()) {
      switch (e.getKey()) {
        case "input_ids" -> in.put(e.getKey(), Tensor.of(ids, b, len));
        case "attention_mask" -> in.put(e.getKey(), Tensor.of(mask, b, len));
        case "position_ids" -> in.put(e.getKey(), Tensor.of(pos, b, len));
        default -> {
          long[] shape = e.getValue().shape();
          shape[0] = b;
          shape[2] = 0;
          in.put(e.getKey(), Tensor.of(new float[0], shape));
        }
      }
    }
    float[] all = m.run(in, Set.of(PpmGraphs.HIDDEN)).get(PpmGraphs.HIDDEN).toFloatArray();
    float[][] out = new float[b][h];
    for (int i = 0; i < b; i++) {
      System.arraycopy(all, (i * len + rows.get(i).length - 1) * h, out[i], 0, h);
    }
    return out;
  }

  private static double dot(float[] w, float[] x) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += (double) w[i] * x[i];
    }
    return s;
  }

  @Test
  void loraTrainsOnlyAdaptersResumesAfterAKillAndFoldsThemIn() throws Exception {
    List<PreferencePair> pairs = pairs(8, 7);
    TrainingConfig c = config(2, 1e-2);
    Path out = dir.resolve("lora-ppm");
    TrainingListener killAfterEpoch1 =
        new TrainingListener() {
          @Override
          public void onEpoch(EpochReport r) {
            throw new IllegalStateException("killed");
          }
        };
    assertThrows(
        IllegalStateException.class,
        () ->
            PpmTrainer.fineTune(
                policy,
                Tokenizers::fromFile,
                settings(64),
                c,
                FineTuning.lora(2),
                pairs,
                out,
                killAfterEpoch1));
    assertFalse(Files.exists(out), "nothing half-written at the output");
    Path ckpt = FineTuner.partialDir(out.toAbsolutePath()).resolve(FineTuner.CHECKPOINT);
    FineTuner.Checkpointed k = FineTuner.Checkpointed.load(ckpt);
    assertEquals(1, k.epoch());
    FineTuner ft = new FineTuner(policy, Tokenizers::fromFile, settings(64), c, FineTuning.lora(2));
    ft.prepare();
    Set<String> expected = new HashSet<>();
    for (PpmGraphs.Adapter a : ft.adapters) {
      expected.add(a.a());
      expected.add(a.b());
    }
    // q, k, v, o, gate, up, down in each of the 2 layers
    assertEquals(14, ft.adapters.size());
    expected.add(PpmGraphs.HEAD_WEIGHT);
    expected.add(PpmGraphs.HEAD_BIAS);
    assertEquals(expected, k.state().parameters().keySet(), "only adapters and head train");
    // the base weights are constants of the training graph, identical to the export's
    Map<String, OnnxMl.TensorProto> base = PpmGraphs.initializers(ft.forward.getGraph());
    Map<String, OnnxMl.TensorProto> inGraph = PpmGraphs.initializers(ft.graph.model().getGraph());
    for (PpmGraphs.Adapter a : ft.adapters) {
      assertTrue(
          java.util.Arrays.equals(
              PpmGraphs.floats(base.get(a.weight())), PpmGraphs.floats(inGraph.get(a.weight()))),
          a.weight());
      float[] bv = k.state().parameters().get(a.b());
      assertTrue(maxAbs(bv) > 0, a.b() + " moved from zero");
    }
    // folding in: the merged graph scores as the unfolded adapters do
    Map<String, float[]> params = k.state().parameters();
    OnnxMl.ModelProto unfolded =
        PpmGraphs.scoring(
            PpmGraphs.withAdapters(ft.forward, 2, 4, 0, new ArrayList<>()),
            64,
            ValueHead.of(params.get(PpmGraphs.HEAD_WEIGHT), params.get(PpmGraphs.HEAD_BIAS)[0]));
    OnnxMl.GraphProto.Builder ub = unfolded.getGraph().toBuilder();
    for (int i = 0; i < ub.getInitializerCount(); i++) {
      float[] v = params.get(ub.getInitializer(i).getName());
      if (v != null) {
        ub.setInitializer(i, PpmGraphs.withValues(ub.getInitializer(i), v));
      }
    }
    Map<String, int[]> ids = new HashMap<>();
    for (PreferencePair p : pairs) {
      ids.put(p.prompt() + p.pos(), ft.tokenize(p.prompt() + p.pos()));
      ids.put(p.prompt() + p.neg(), ft.tokenize(p.prompt() + p.neg()));
    }
    List<Integer> batch = List.of(0, 1, 2, 3);
    List<int[]> rows = ft.rows(pairs, batch, ids);
    try (GraphSession m = GraphSession.builder().open(ft.mergedModel(params), "folded");
        GraphSession u =
            GraphSession.builder()
                .open(unfolded.toBuilder().setGraph(ub).build().toByteArray(), "unfolded")) {
      float[] folded = FineTuner.scores(m, rows);
      Map<String, Tensor> feeds = ft.trainingFeeds(pairs, batch, ids, new Random(0));
      Map<String, Tensor> in = new HashMap<>();
      for (String n : u.inputs().keySet()) {
        if (n.equals(PpmGraphs.DROPOUT_MASK)) { // evaluation: no dropout
          float[] ones = new float[rows.size() * 64];
          java.util.Arrays.fill(ones, 1f);
          in.put(n, Tensor.of(ones, rows.size(), 64));
        } else if (feeds.containsKey(n)) {
          in.put(n, feeds.get(n));
        } else {
          long[] shape = u.inputs().get(n).shape();
          shape[0] = rows.size();
          shape[2] = 0;
          in.put(n, Tensor.of(new float[0], shape));
        }
      }
      float[] adapted = u.run(in, Set.of(PpmGraphs.SCORES)).get(PpmGraphs.SCORES).toFloatArray();
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(adapted[i], folded[i], 1e-4 + 1e-4 * Math.abs(adapted[i]), "row " + i);
      }
    }
    // other pairs into the same output: refused while the checkpoint is there
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PpmTrainer.fineTune(
                    policy,
                    Tokenizers::fromFile,
                    settings(64),
                    c,
                    FineTuning.lora(2),
                    pairs(8, 8),
                    out,
                    null));
    assertTrue(other.getMessage().contains("another run"), other.getMessage());
    // resume: only epoch 2 runs, then the PPM appears and loads
    TrainingResult r =
        PpmTrainer.fineTune(
            policy, Tokenizers::fromFile, settings(64), c, FineTuning.lora(2), pairs, out, null);
    assertEquals(1, r.resumedFromEpoch());
    assertEquals(1, r.epochs().size());
    assertEquals(2, r.epochs().get(0).epoch());
    try (ProcessPreferenceModel ppm = ProcessPreferenceModel.load(out)) {
      double[] s = ppm.scoreTexts(List.of(pairs.get(0).prompt() + pairs.get(0).pos()));
      assertTrue(s[0] > -1 && s[0] < 1);
    }
  }

  private static double maxAbs(float[] a) {
    double m = 0;
    for (float x : a) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  @Test
  void backbonesThatCannotBeFineTunedFailBeforeAnyEpoch() throws Exception {
    List<PreferencePair> pairs = pairs(2, 1);
    TrainingConfig c = config(1, 1e-3);
    // quantized (the real int8 MiniLM)
    Path q = MiniLm.writeDir(dir.resolve("minilm"));
    BackboneNotTrainableException e =
        assertThrows(
            BackboneNotTrainableException.class,
            () ->
                PpmTrainer.fineTune(
                    q,
                    Tokenizers::fromFile,
                    settings(64),
                    c,
                    FineTuning.full(),
                    pairs,
                    dir.resolve("q-out"),
                    null));
    assertTrue(e.quantized());
    assertTrue(
        e.getMessage().contains("quantized") && e.getMessage().contains("--train head"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("q-out")));
    // an operator without a gradient rule (the tiny encoder's CumSum)
    Path enc = TinyBackbones.writeDir(dir.resolve("cumsum"), 8, 1);
    e =
        assertThrows(
            BackboneNotTrainableException.class,
            () ->
                PpmTrainer.fineTune(
                    enc,
                    p -> new TinyBackbones.WordHashTokenizer(),
                    settings(64),
                    c,
                    FineTuning.full(),
                    pairs,
                    dir.resolve("c-out"),
                    null));
    assertFalse(e.quantized());
    assertTrue(e.getMessage().contains("CumSum"), e.getMessage());
    // a half-precision weight
    Path half = dir.resolve("half");
    Files.createDirectories(half);
    Files.copy(decoder.resolve("tokenizer.json"), half.resolve("tokenizer.json"));
    OnnxMl.ModelProto m;
    try (InputStream in = Files.newInputStream(decoder.resolve("model.onnx"))) {
      m = OnnxMl.ModelProto.parseFrom(in);
    }
    OnnxMl.GraphProto.Builder gb = m.getGraph().toBuilder();
    for (int i = 0; i < gb.getInitializerCount(); i++) {
      if (gb.getInitializer(i).getName().equals("model.layers.0.self_attn.q_proj.weight")) {
        gb.setInitializer(
            i,
            gb.getInitializer(i).toBuilder()
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT16_VALUE)
                .build());
      }
    }
    Files.write(half.resolve("model.onnx"), m.toBuilder().setGraph(gb).build().toByteArray());
    e =
        assertThrows(
            BackboneNotTrainableException.class,
            () ->
                PpmTrainer.fineTune(
                    half,
                    Tokenizers::fromFile,
                    settings(64),
                    c,
                    FineTuning.full(),
                    pairs,
                    dir.resolve("h-out"),
                    null));
    assertTrue(
        e.getMessage().contains("model.layers.0.self_attn.q_proj.weight")
            && e.getMessage().contains("FLOAT16"),
        e.getMessage());
  }

  @Test
  void longTextsAreCutFromTheLeftAndCounted() throws Exception {
    List<PreferencePair> pairs = pairs(4, 9);
    FineTuner ft =
        new FineTuner(
            policy, Tokenizers::fromFile, settings(24), config(1, 1e-3), FineTuning.full());
    ft.prepare();
    var tok = Tokenizers.fromFile(policy.resolve("tokenizer.json"));
    Set<String> distinct = new HashSet<>();
    for (PreferencePair p : pairs) {
      distinct.add(p.prompt() + p.pos());
      distinct.add(p.prompt() + p.neg());
    }
    long longer = distinct.stream().filter(t -> tok.encode(t).length > 24).count();
    assertTrue(longer > 0);
    TrainingResult r =
        PpmTrainer.fineTune(
            policy,
            Tokenizers::fromFile,
            settings(24),
            config(1, 1e-3),
            FineTuning.full(),
            pairs,
            dir.resolve("cut"),
            null);
    assertEquals(longer, r.truncatedTexts());
  }
}
