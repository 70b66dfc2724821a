package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.data.PreferencePair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PPM on a real backbone: the quantized all-MiniLM-L6-v2 encoder (langchain4j test artifact)
 * with the project's WordPiece tokenizer, trained on {@link SyntheticMath} pairs where the rejected
 * step drops the question's key fact.
 */
class MiniLmPpmTest {
  @TempDir Path dir;

  @Test
  void aTrainedHeadBeatsChanceOnHeldOutPairsAndReloads() throws Exception {
    Path bb = MiniLm.writeDir(dir.resolve("minilm"));
    BackboneSettings settings = BackboneSettings.builder().contextLength(128).batchSize(32).build();
    List<PreferencePair> pairs = SyntheticMath.pairs(200, 11, SyntheticMath.Flaw.DROPS_FACT);
    TrainingConfig cfg =
        TrainingConfig.builder()
            .epochs(25)
            .learningRate(1e-2)
            .batchSize(16)
            .heldOutFraction(0.25)
            .patience(5)
            .build();
    Path out = dir.resolve("ppm");
    TrainingResult r;
    List<PreferencePair> heldOut;
    try (Backbone backbone =
        ProcessPreferenceModel.openBackbone(bb, Tokenizers::fromFile, settings)) {
      assertEquals(384, backbone.hiddenSize());
      PpmTrainer trainer = new PpmTrainer(backbone, cfg);
      r = trainer.train(pairs, out, null);
      heldOut = trainer.split(pairs).get(1).stream().map(pairs::get).toList();
      double[] untrained = trainer.evaluate(ValueHead.zeros(384), heldOut);
      assertEquals(0.0, untrained[1], "a zero head never prefers either step");
      System.err.printf(
          "MiniLM PPM: held-out pairwise accuracy %.3f on %d pairs after %d epochs"
              + " (best epoch %d); epochs: %s%n",
          r.heldOutAccuracy(), r.heldOutPairs(), r.epochs().size(), r.bestEpoch(), r.epochs());
    }
    assertEquals(50, r.heldOutPairs());
    assertTrue(r.heldOutAccuracy() >= 0.85, "held-out pairwise accuracy " + r.heldOutAccuracy());

    // save as a PPM directory, load it back with the project tokenizer and score as a RewardModel
    ProcessPreferenceModel.save(out, bb, settings, r.head());
    try (ProcessPreferenceModel ppm = ProcessPreferenceModel.load(out)) {
      int correct = 0;
      List<String> texts = new ArrayList<>();
      for (PreferencePair p : heldOut) {
        double[] s = ppm.scoreTexts(List.of(p.prompt() + p.pos(), p.prompt() + p.neg()));
        if (s[0] > s[1]) {
          correct++;
        }
        texts.add(p.prompt() + p.pos());
      }
      assertEquals(r.heldOutAccuracy(), (double) correct / heldOut.size(), 1e-9);

      // the RewardModel view: (question, partial trajectory) -> tanh(r/5), on the training prompt
      Problem problem =
          Problem.of("p", "Ana has 40 apples and gets 7 more. How many apples now?", "47");
      Trajectory first =
          Trajectory.of(
              Step.parse(
                  "<code>\n# Step 1: start from the apples Ana has\nstart = 40\n<end_of_step>"));
      Trajectory good =
          first.append(
              Step.parse(
                  "<code>\n# Step 2: add the 7 apples\nresult = start + 7\nprint(result)\n<end_of_code>\n<output>47<end_of_output>"));
      Trajectory bad =
          first.append(
              Step.parse(
                  "<code>\n# Step 2: add the 23 stamps\nresult = start + 23\nprint(result)\n<end_of_code>\n<output>63<end_of_output>"));
      double[] s =
          ppm.score(List.of(new RewardRequest(problem, good), new RewardRequest(problem, bad)));
      assertTrue(s[0] > s[1], "prefers the step that keeps the key fact: " + s[0] + " vs " + s[1]);
      assertTrue(Math.abs(s[0]) < 1 && Math.abs(s[1]) < 1);

      // the same head merged into the backbone graph scores the same
      Path merged = dir.resolve("merged");
      ProcessPreferenceModel.exportMerged(
          bb.resolve("model.onnx"), "last_hidden_state", r.head(), merged.resolve("model.onnx"));
      Files.copy(bb.resolve("tokenizer.json"), merged.resolve("tokenizer.json"));
      try (ProcessPreferenceModel m =
              ProcessPreferenceModel.load(merged, Tokenizers::fromFile, saved -> settings);
          Backbone backbone =
              ProcessPreferenceModel.openBackbone(bb, Tokenizers::fromFile, settings)) {
        // the same batches on both sides: the quantized encoder's dynamic activation scales
        // depend on the whole batch, padding included
        ProcessPreferenceModel separate =
            ProcessPreferenceModel.builder().backbone(backbone).head(r.head()).cacheSize(0).build();
        List<String> few = texts.subList(0, 8);
        assertArrayEquals(separate.scoreTexts(few), m.scoreTexts(few), 1e-4);
      }
    }
  }
}
