package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export directory written by {@link TinyQwen2} is a valid Hugging Face style export. */
class TinyExportTest {
  @TempDir Path dir;

  static final List<String> TEXTS =
      List.of(
          "the cat and the dog in the park",
          "print(x)\n\nfor i in range(3):\n    print(i)",
          "<|im_start|>user\nWhat is 2+2?<|im_end|>",
          "émoji 🎉 and 数学",
          "  spaces   and\ttabs  ");

  @Test
  void tokenizerJsonMatchesTheReferenceImplementation() throws Exception {
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
    Tokenizer ours = Tokenizers.fromFile(dir.resolve("tokenizer.json"));
    assertEquals(TinyQwen2.vocabSize(), ours.vocabSize());
    try (HuggingFaceTokenizer ref =
        HuggingFaceTokenizer.newInstance(
            dir.resolve("tokenizer.json"),
            Map.of("addSpecialTokens", "false", "truncation", "false"))) {
      for (String t : TEXTS) {
        Encoding e = ref.encode(t, false, false);
        int[] expected = java.util.Arrays.stream(e.getIds()).mapToInt(x -> (int) x).toArray();
        assertArrayEquals(expected, ours.encode(t), t);
        assertEquals(t, ours.decode(ours.encode(t)));
      }
    }
    // Merges are used: "the" is one token after a space.
    int[] ids = ours.encode(" the");
    assertEquals(1, ids.length);
    assertEquals(TinyQwen2.specialTokenId("<|im_end|>"), ours.tokenId("<|im_end|>").getAsInt());
  }

  @Test
  void configAndModelLoadWithTheDirectoryTokenizer() throws Exception {
    TinyQwen2.writeExport(TinyQwen2.Config.tiny().withSeed(5), dir);
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"model_type\": \"qwen2\""));
    try (CausalLm lm = CausalLm.load(dir)) {
      GenerationResult r =
          lm.generate(
              "the cat",
              2,
              GenerationConfig.of(SamplingParams.builder().maxTokens(8).seed(1).build()));
      assertEquals(2, r.completions().size());
      assertEquals(lm.tokenizer().encode("the cat").length, r.promptTokens());
      for (Completion c : r.completions()) {
        int[] toks = c.tokens().stream().mapToInt(Integer::intValue).toArray();
        if (c.stopReason() == io.rstar4j.core.StopReason.MAX_TOKENS) {
          assertEquals(lm.tokenizer().decode(toks), c.text());
        }
      }
    }
  }
}
