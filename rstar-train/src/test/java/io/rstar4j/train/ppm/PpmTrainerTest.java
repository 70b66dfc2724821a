package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.train.data.PreferencePair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpmTrainerTest {
  @TempDir Path dir;

  /** Pairs whose chosen step says "right" and rejected "wrong", among random shared words. */
  static List<PreferencePair> pairs(int questions, long seed) {
    Random r = new Random(seed);
    String[] words = {
      "alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"
    };
    List<PreferencePair> out = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      String prompt = PromptTemplate.TRAINING.head("question " + q + " " + words[r.nextInt(10)]);
      for (int k = 0; k < 3; k++) {
        String noisePos = words[r.nextInt(10)] + " " + words[r.nextInt(10)];
        String noiseNeg = words[r.nextInt(10)] + " " + words[r.nextInt(10)];
        out.add(
            new PreferencePair(
                prompt,
                " " + noiseNeg + " wrong",
                " " + noisePos + " right",
                1 + r.nextInt(2),
                1 + r.nextInt(3)));
      }
    }
    return out;
  }

  @Test
  void learnsTheSyntheticPreferenceAndReportsEachEpoch() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 16, 4);
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      List<PreferencePair> pairs = pairs(60, 1);
      TrainingConfig cfg =
          TrainingConfig.builder()
              .epochs(8)
              .learningRate(0.05)
              .batchSize(8)
              .heldOutFraction(0.2)
              .patience(8)
              .build();
      List<EpochReport> seen = new ArrayList<>();
      long[] steps = {0};
      TrainingResult r =
          new PpmTrainer(backbone, cfg)
              .train(
                  pairs,
                  null,
                  new TrainingListener() {
                    @Override
                    public void onStep(int epoch, long step, long total, double loss, double acc) {
                      steps[0] = step;
                      assertEquals(8 * ((r0(pairs.size()) + 7) / 8), total);
                    }

                    @Override
                    public void onEpoch(EpochReport e) {
                      seen.add(e);
                    }
                  });
      assertEquals(8, r.epochs().size());
      assertEquals(r.epochs(), seen);
      assertEquals(12 * 3, r.heldOutPairs());
      assertEquals(48 * 3, r.trainPairs());
      assertEquals(steps[0], r.epochs().get(7).steps());
      assertTrue(r.heldOutAccuracy() >= 0.95, "held-out accuracy " + r.heldOutAccuracy());
      assertTrue(r.epochs().get(7).trainLoss() < r.epochs().get(0).trainLoss());
      // the held-out evaluation agrees with an independent scoring of the returned head
      ProcessPreferenceModel ppm =
          ProcessPreferenceModel.builder().backbone(backbone).head(r.head()).build();
      int correct = 0;
      List<PreferencePair> held =
          new PpmTrainer(backbone, cfg).split(pairs).get(1).stream().map(pairs::get).toList();
      for (PreferencePair p : held) {
        double[] s = ppm.rawScores(List.of(p.prompt() + p.pos(), p.prompt() + p.neg()));
        if (s[0] > s[1]) {
          correct++;
        }
      }
      assertEquals(r.heldOutAccuracy(), (double) correct / held.size(), 1e-9);
      // every distinct text went through the backbone exactly once
      assertEquals(distinctTexts(pairs), r.featureMisses());
    }
  }

  static long distinctTexts(List<PreferencePair> pairs) {
    java.util.Set<String> s = new java.util.HashSet<>();
    for (PreferencePair p : pairs) {
      s.add(p.prompt() + p.pos());
      s.add(p.prompt() + p.neg());
    }
    return s.size();
  }

  private static int r0(int n) {
    return n - 36; // training pairs: 48 of the 60 questions, 3 pairs each
  }

  @Test
  void aResumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 5);
    List<PreferencePair> pairs = pairs(20, 2);
    TrainingConfig cfg =
        TrainingConfig.builder().learningRate(0.02).batchSize(5).patience(10).build();
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      TrainingResult straight =
          new PpmTrainer(backbone, cfg.toBuilder().epochs(4).build())
              .train(pairs, dir.resolve("a"), null);
      new PpmTrainer(backbone, cfg.toBuilder().epochs(2).build())
          .train(pairs, dir.resolve("b"), null);
      assertTrue(Files.exists(dir.resolve("b").resolve("checkpoint.json")));
      TrainingResult resumed =
          new PpmTrainer(backbone, cfg.toBuilder().epochs(4).build())
              .train(pairs, dir.resolve("b"), null);
      assertEquals(2, resumed.resumedFromEpoch());
      assertEquals(2, resumed.epochs().size());
      assertEquals(straight.epochs().subList(2, 4), resumed.epochs());
      assertArrayEquals(straight.head().weight(), resumed.head().weight());
      // a checkpoint for other pairs is refused
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new PpmTrainer(backbone, cfg.toBuilder().epochs(5).build())
                      .train(pairs(21, 2), dir.resolve("b"), null));
      assertTrue(e.getMessage().contains("other pairs"), e.getMessage());
    }
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 6);
    // labels at random: held-out loss cannot keep improving
    Random r = new Random(3);
    List<PreferencePair> pairs = new ArrayList<>();
    for (int q = 0; q < 40; q++) {
      String prompt = PromptTemplate.TRAINING.head("q" + q);
      boolean flip = r.nextBoolean();
      pairs.add(
          new PreferencePair(prompt, flip ? " x" + q : " y" + q, flip ? " y" + q : " x" + q, 1, 1));
    }
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      TrainingResult res =
          new PpmTrainer(
                  backbone,
                  TrainingConfig.builder()
                      .epochs(50)
                      .learningRate(0.1)
                      .batchSize(4)
                      .heldOutFraction(0.3)
                      .patience(2)
                      .build())
              .train(pairs, null, null);
      assertTrue(res.stoppedEarly());
      assertTrue(res.epochs().size() < 50);
      int last = res.epochs().size();
      assertEquals(last - 2, res.bestEpoch());
      double best = res.epochs().get(res.bestEpoch() - 1).heldOutLoss();
      for (EpochReport e : res.epochs()) {
        assertTrue(e.heldOutLoss() >= best);
      }
    }
  }

  @Test
  void cachingOnAndOffTrainTheSameHead() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 7);
    List<PreferencePair> pairs = pairs(10, 3);
    TrainingConfig cfg = TrainingConfig.builder().epochs(3).batchSize(4).build();
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      TrainingResult on = new PpmTrainer(backbone, cfg).train(pairs, null, null);
      TrainingResult off =
          new PpmTrainer(backbone, cfg.toBuilder().cacheFeatures(false).build())
              .train(pairs, null, null);
      assertArrayEquals(on.head().weight(), off.head().weight());
      assertEquals(distinctTexts(pairs), on.featureMisses());
      assertTrue(off.featureMisses() >= 3L * 2 * pairs.size(), "recomputed every epoch");
    }
  }

  @Test
  void badInputsAreClearErrors() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 8);
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      PpmTrainer t = new PpmTrainer(backbone, TrainingConfig.defaults());
      IllegalArgumentException empty =
          assertThrows(IllegalArgumentException.class, () -> t.train(List.of(), null, null));
      assertTrue(empty.getMessage().contains("no preference pairs"));
      IllegalArgumentException size =
          assertThrows(
              IllegalArgumentException.class,
              () -> t.train(pairs(3, 1), ValueHead.zeros(384), null, null));
      assertTrue(size.getMessage().contains("hidden size mismatch"), size.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().epochs(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> TrainingConfig.builder().learningRate(-1).build());
  }

  @Test
  void pairsLongerThanTheContextAreCutAndCounted() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 9);
    List<PreferencePair> pairs = new ArrayList<>(pairs(10, 4));
    pairs.add(
        new PreferencePair(
            PromptTemplate.TRAINING.head("long " + "w ".repeat(100)),
            " a wrong",
            " b right",
            1,
            1));
    try (Backbone backbone =
        TinyBackbones.open(bb, BackboneSettings.builder().contextLength(32).build())) {
      TrainingResult r =
          new PpmTrainer(backbone, TrainingConfig.builder().epochs(1).build())
              .train(pairs, null, null);
      assertEquals(2, r.truncatedTexts());
    }
  }
}
