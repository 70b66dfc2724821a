package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad models, directories and prompts fail with messages that name the problem. */
class BadInputTest {
  @TempDir static Path root;
  static Path good;

  @BeforeAll
  static void export() throws Exception {
    good = root.resolve("good");
    TinyQwen2.writeExport(new TinyQwen2.Config(32, 1, 2, 1, 64, 64, 10000, 1e-6, 1), good);
  }

  private static Path copyWith(String name, byte[] model) throws Exception {
    Path d = Files.createDirectories(root.resolve(name));
    Files.copy(good.resolve("config.json"), d.resolve("config.json"));
    Files.copy(good.resolve("tokenizer.json"), d.resolve("tokenizer.json"));
    if (model != null) {
      Files.write(d.resolve("model.onnx"), model);
    }
    return d;
  }

  private static CausalLm load(Path d) throws Exception {
    return CausalLm.builder(d).tokenizer(new ByteTestTokenizer()).build();
  }

  @Test
  void missingDirectoryAndFilesAreNamed() throws Exception {
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> load(root.resolve("nowhere")));
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    Path noModel = copyWith("nomodel", null);
    e = assertThrows(NoSuchFileException.class, () -> load(noModel));
    assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    Path noConfig = copyWith("noconfig", Files.readAllBytes(good.resolve("model.onnx")));
    Files.delete(noConfig.resolve("config.json"));
    e = assertThrows(NoSuchFileException.class, () -> load(noConfig));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void aModelThatIsNotACausalLmIsRejected() throws Exception {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("encoder");
    g.input("input_ids", ElementType.INT64, "batch", "seq");
    g.input("attention_mask", ElementType.INT64, "batch", "seq");
    String emb =
        g.gather(
            g.initializer("e", new float[TinyQwen2.vocabSize() * 4], TinyQwen2.vocabSize(), 4),
            "input_ids",
            0);
    g.output(emb, "last_hidden_state", ElementType.FLOAT, "batch", "seq", 4);
    Path d = copyWith("encoder", g.toByteArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(d));
    assertTrue(
        e.getMessage().contains("not a causal LM")
            && e.getMessage().contains("past_key_values.0.key"),
        e.getMessage());
  }

  @Test
  void garbageModelBytesGiveAClearError() throws Exception {
    Path d = copyWith("garbage", "this is not a model".getBytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(d));
    assertTrue(e.getMessage().contains("could not be loaded"), e.getMessage());
  }

  @Test
  void badConfigJsonIsNamed() throws Exception {
    Path d = copyWith("badjson", Files.readAllBytes(good.resolve("model.onnx")));
    Files.writeString(d.resolve("config.json"), "{ not json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(d));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void emptyAndOverlongPromptsAndBadIds() throws Exception {
    try (CausalLm lm = load(good)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> lm.generate("", 1, GenerationConfig.greedy(4)));
      assertTrue(e.getMessage().contains("empty"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> lm.generate("x".repeat(64), 1, GenerationConfig.greedy(4)));
      assertTrue(
          e.getMessage().contains("64 tokens") && e.getMessage().contains("context"),
          e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  lm.generate(
                      List.of(GenerationRequest.ofTokens(new int[] {1, 99999}, 1)),
                      GenerationConfig.greedy(4)));
      assertTrue(e.getMessage().contains("99999"), e.getMessage());
      // Still usable after the errors.
      lm.generate("ok", 1, GenerationConfig.greedy(2));
    }
    CausalLm closed = load(good);
    closed.close();
    assertThrows(
        IllegalStateException.class, () -> closed.generate("ok", 1, GenerationConfig.greedy(2)));
  }

  @Test
  void requiringCudaWithoutItFailsClearly() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                CausalLm.builder(good)
                    .tokenizer(new ByteTestTokenizer())
                    .provider(ProviderChoice.CUDA)
                    .build());
    assertTrue(e.getMessage().contains("CUDA"), e.getMessage());
  }

  @Test
  void invalidOptionsFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> CausalLm.builder(good).prefillChunk(0));
    assertThrows(IllegalArgumentException.class, () -> CausalLm.builder(good).prefixCacheBytes(-1));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().topP(0));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().temperature(-1));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().maxTokens(0));
    assertThrows(
        IllegalArgumentException.class, () -> SamplingParams.builder().stopStrings(List.of("")));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(0));
    assertThrows(
        IllegalStateException.class, () -> CausalLm.builder(good).prefillChunk(8).prefillChunk(9));
    assertThrows(
        IllegalArgumentException.class, () -> GenerationRequest.ofTokens(new int[] {1}, 0));
    assertThrows(IllegalArgumentException.class, () -> GenerationRequest.ofText("x", 0));
  }
}
