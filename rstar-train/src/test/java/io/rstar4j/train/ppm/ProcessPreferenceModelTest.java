package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Problem;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessPreferenceModelTest {
  @TempDir Path dir;

  @Test
  void scoresAreTanhOfTheHeadOnTheLastTokenStateInOrder() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 1);
    try (Backbone backbone =
        TinyBackbones.open(bb, BackboneSettings.builder().batchSize(3).build())) {
      assertEquals(8, backbone.hiddenSize());
      ValueHead head = ValueHead.random(8, 1.0, 5);
      ProcessPreferenceModel ppm =
          ProcessPreferenceModel.builder().backbone(backbone).head(head).build();
      Problem p = Problem.of("p", "What is 2 + 3 ?", "5");
      Step s1 = Step.parse("<code>\nx = 2 + 3\n<end_of_step>");
      Step s2 = Step.parse("<code>\nprint( x )\n<end_of_code>");
      List<RewardRequest> batch = new ArrayList<>();
      for (Trajectory t :
          List.of(
              Trajectory.of(s1),
              Trajectory.of(s1, s2),
              Trajectory.of(s2),
              Trajectory.of(s2, s1),
              Trajectory.empty())) {
        batch.add(new RewardRequest(p, t));
      }
      double[] scores = ppm.score(batch);
      assertEquals(5, scores.length);
      for (int i = 0; i < batch.size(); i++) {
        String prompt = PromptTemplate.TRAINING.render(p.question(), batch.get(i).partial());
        assertEquals(prompt, ppm.promptOf(p, batch.get(i).partial()));
        float[] state = backbone.lastHiddenStates(List.of(prompt))[0];
        assertEquals(Math.tanh(head.raw(state) / 5), scores[i], 1e-6);
        assertEquals(scores[i], ppm.score(List.of(batch.get(i)))[0], 1e-6, "batched = alone");
        assertTrue(scores[i] > -1 && scores[i] < 1);
      }
    }
  }

  @Test
  void longTextsAreCutFromTheLeftAndCounted() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 4, 2);
    try (Backbone backbone =
        TinyBackbones.open(bb, BackboneSettings.builder().contextLength(6).build())) {
      ProcessPreferenceModel ppm =
          ProcessPreferenceModel.builder()
              .backbone(backbone)
              .head(ValueHead.random(4, 1, 1))
              .cacheSize(0)
              .build();
      double[] s = ppm.rawScores(List.of("a b c d e f g h i j", "e f g h i j", "a b c"));
      // the bag of the last six words: the long text scores like its tail
      assertEquals(s[1], s[0], 1e-5);
      assertEquals(1, ppm.truncatedTexts());
    }
  }

  @Test
  void aHeadOfAnotherHiddenSizeIsRejected() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 1);
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.defaults())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ProcessPreferenceModel.builder()
                      .backbone(backbone)
                      .head(ValueHead.zeros(384))
                      .build());
      assertTrue(e.getMessage().contains("hidden size mismatch"), e.getMessage());
      assertTrue(e.getMessage().contains("384") && e.getMessage().contains("8"), e.getMessage());
    }
    Path ppmDir = dir.resolve("ppm");
    ProcessPreferenceModel.save(ppmDir, bb, BackboneSettings.defaults(), ValueHead.zeros(16));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessPreferenceModel.load(ppmDir, p -> new TinyBackbones.WordHashTokenizer()));
    assertTrue(e.getMessage().contains("hidden size mismatch"), e.getMessage());
  }

  @Test
  void separateAndMergedHeadsLoadAndAgree() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 3);
    ValueHead head = ValueHead.of(ValueHead.random(8, 0.5, 9).weight(), 0.25f);
    Path ppmDir = dir.resolve("ppm");
    ProcessPreferenceModel.save(ppmDir, bb, BackboneSettings.defaults(), head);
    Path merged = dir.resolve("merged");
    ProcessPreferenceModel.exportMerged(
        bb.resolve("model.onnx"), "last_hidden_state", head, merged.resolve("model.onnx"));
    java.nio.file.Files.copy(bb.resolve("tokenizer.json"), merged.resolve("tokenizer.json"));
    List<String> prompts =
        List.of("one two three", "four five", "six", "one two three four five six seven");
    try (ProcessPreferenceModel a =
            ProcessPreferenceModel.load(ppmDir, p -> new TinyBackbones.WordHashTokenizer());
        ProcessPreferenceModel b =
            ProcessPreferenceModel.load(merged, p -> new TinyBackbones.WordHashTokenizer())) {
      assertEquals(head, a.head());
      assertEquals(1, b.backbone().hiddenSize());
      double[] sa = a.scoreTexts(prompts);
      double[] sb = b.scoreTexts(prompts);
      assertArrayEquals(sa, sb, 1e-5);
      assertTrue(Math.abs(sa[0] - sa[1]) > 1e-3, "scores differ between texts");
    }
  }

  @Test
  void aDirectoryWithoutAHeadIsAClearError() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProcessPreferenceModel.load(bb, p -> new TinyBackbones.WordHashTokenizer()));
    assertTrue(e.getMessage().contains("value_head.json"), e.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ProcessPreferenceModel.load(
                    dir.resolve("nope"), p -> new TinyBackbones.WordHashTokenizer()));
    assertTrue(missing.getMessage().contains("no such PPM directory"), missing.getMessage());
  }

  @Test
  void aBackboneThatFailsToRunSurfacesAsTheSpiException() {
    IllegalStateException ort = new IllegalStateException("backbone failed: CUDA out of memory");
    Backbone failing =
        new Backbone() {
          @Override
          public int hiddenSize() {
            return 4;
          }

          @Override
          public int contextLength() {
            return 16;
          }

          @Override
          public float[][] lastHiddenStates(List<String> texts) {
            throw ort;
          }

          @Override
          public long truncatedTexts() {
            return 0;
          }

          @Override
          public void close() {}
        };
    ProcessPreferenceModel ppm =
        ProcessPreferenceModel.builder().backbone(failing).head(ValueHead.zeros(4)).build();
    io.rstar4j.core.SpiException e =
        assertThrows(
            io.rstar4j.core.SpiException.class,
            () -> ppm.score(List.of(new RewardRequest(Problem.of("p", "q"), Trajectory.empty()))));
    assertTrue(e.getMessage().contains("CUDA out of memory"), e.getMessage());
    assertEquals(ort, e.getCause());
    assertEquals(
        "head was already set",
        assertThrows(
                IllegalStateException.class,
                () ->
                    ProcessPreferenceModel.builder()
                        .head(ValueHead.zeros(4))
                        .head(ValueHead.zeros(4)))
            .getMessage());
  }
}
