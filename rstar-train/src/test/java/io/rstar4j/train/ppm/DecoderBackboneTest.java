package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.testing.TinyDecoderBackbone;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder backbone: the project's tiny Qwen2 export (Optimum names: input_ids, attention_mask,
 * position_ids, past_key_values.N.key|value) with its final-norm hidden states exposed as {@code
 * last_hidden_state}, as a feature-extraction export of a causal LM has them.
 */
class DecoderBackboneTest {
  @TempDir Path dir;

  @Test
  void aDecoderWithPastInputsServesAsBackboneAndTrains() throws Exception {
    Path bb = TinyDecoderBackbone.write(dir.resolve("qwen2-tiny"));
    BackboneSettings s = BackboneSettings.builder().contextLength(64).batchSize(4).build();
    try (Backbone backbone = ProcessPreferenceModel.openBackbone(bb, Tokenizers::fromFile, s)) {
      assertEquals(64, backbone.hiddenSize());
      List<String> texts = List.of("print(1)", "x = 2 + 3\nprint(x)", "a", "the answer is 5", "y");
      float[][] batched = backbone.lastHiddenStates(texts);
      for (int i = 0; i < texts.size(); i++) {
        // right padding under a causal mask: the last real token does not see the pads
        assertArrayEquals(backbone.lastHiddenStates(List.of(texts.get(i)))[0], batched[i], 1e-4f);
      }
      assertTrue(Math.abs(batched[0][0] - batched[1][0]) > 1e-6, "texts give different states");
      TrainingResult r =
          new PpmTrainer(backbone, TrainingConfig.builder().epochs(2).batchSize(4).build())
              .train(PpmTrainerTest.pairs(8, 1), null, null);
      assertEquals(2, r.epochs().size());
      assertTrue(Double.isFinite(r.epochs().get(1).trainLoss()));
    }
  }
}
