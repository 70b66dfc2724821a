package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation on a tiny generated Qwen2 decoder: cache equivalence, batching, seeds, stops. */
class GenerationTest {
  @TempDir static Path dir;
  static CausalLm lm;
  static ReferenceDecoder reference;

  static final List<String> PROMPTS =
      List.of("Hello world", "x = 3\nprint(x)", "The quick brown fox jumps over", "é∑ 猫");

  @BeforeAll
  static void load() throws Exception {
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
    lm = CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).build();
    reference = new ReferenceDecoder(lm);
  }

  @AfterAll
  static void close() {
    reference.close();
    lm.close();
  }

  private static List<Integer> tokens(GenerationResult r, int sample) {
    return r.completions().get(sample).tokens();
  }

  @Test
  void layoutIsReadFromTheGraph() {
    DecoderLayout l = lm.layout();
    assertEquals(2, l.layers());
    assertEquals(2, l.kvHeads());
    assertEquals(16, l.headDim());
    assertEquals(TinyQwen2.vocabSize(), l.vocabSize());
    assertEquals(2048, l.maxPositions());
    assertTrue(l.eosTokenIds().contains(TinyQwen2.specialTokenId("<|endoftext|>")));
    assertTrue(l.eosTokenIds().contains(TinyQwen2.specialTokenId("<|im_end|>")));
    assertEquals(ExecutionProvider.CPU, lm.provider());
  }

  @Test
  void greedyWithCacheEqualsGreedyWithout() {
    GenerationConfig cfg = GenerationConfig.greedy(40);
    for (String p : PROMPTS) {
      GenerationResult a = lm.generate(p, 1, cfg);
      GenerationResult b = reference.generate(p, 1, cfg);
      assertEquals(tokens(b, 0), tokens(a, 0), p);
      assertEquals(b.completions().get(0).text(), a.completions().get(0).text());
      assertTrue(tokens(a, 0).size() >= 10, "generation too short to compare: " + tokens(a, 0));
    }
  }

  @Test
  void longGenerationsGrowTheKvBuffersWithoutChangingResults() throws Exception {
    try (CausalLm fresh = CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).build();
        ReferenceDecoder uncachedDecoder = new ReferenceDecoder(fresh)) {
      List<GenerationRequest> reqs =
          List.of(
              GenerationRequest.ofText("a", 2),
              GenerationRequest.ofText("a much longer prompt than the other", 1));
      GenerationConfig cfg = GenerationConfig.greedy(150);
      List<GenerationResult> cached = fresh.generate(reqs, cfg);
      List<GenerationResult> uncached = uncachedDecoder.generate(reqs, cfg);
      for (int i = 0; i < reqs.size(); i++) {
        for (int j = 0; j < reqs.get(i).n(); j++) {
          assertEquals(tokens(uncached.get(i), j), tokens(cached.get(i), j));
        }
      }
      assertTrue(tokens(cached.get(0), 0).size() > 100);
    }
  }

  @Test
  void batchedEqualsUnbatchedGreedyAndSampled() {
    for (GenerationConfig cfg :
        List.of(
            GenerationConfig.greedy(30),
            GenerationConfig.builder()
                .sampling(
                    SamplingParams.builder()
                        .maxTokens(30)
                        .temperature(0.9)
                        .topP(0.95)
                        .topK(50)
                        .seed(7)
                        .build())
                .prefixReuse(false)
                .build())) {
      List<GenerationRequest> reqs = new ArrayList<>();
      for (String p : PROMPTS) {
        reqs.add(GenerationRequest.ofText(p, 3));
      }
      List<GenerationResult> batched = lm.generate(reqs, cfg);
      List<GenerationResult> batchedNoCache = reference.generate(reqs, cfg);
      for (int i = 0; i < PROMPTS.size(); i++) {
        GenerationResult alone = lm.generate(PROMPTS.get(i), 3, cfg);
        for (int j = 0; j < 3; j++) {
          assertEquals(tokens(alone, j), tokens(batched.get(i), j), PROMPTS.get(i) + " #" + j);
          assertEquals(tokens(alone, j), tokens(batchedNoCache.get(i), j));
        }
      }
    }
  }

  @Test
  void sameSeedSameSamplesOtherSeedOtherSamples() {
    SamplingParams sampling =
        SamplingParams.builder().maxTokens(24).temperature(1.0).seed(123).build();
    GenerationConfig cfg = GenerationConfig.of(sampling);
    GenerationResult a = lm.generate("Once upon a time", 4, cfg);
    GenerationResult b = lm.generate("Once upon a time", 4, cfg);
    GenerationResult c =
        lm.generate(
            "Once upon a time", 4, GenerationConfig.of(sampling.toBuilder().seed(124).build()));
    for (int j = 0; j < 4; j++) {
      assertEquals(tokens(a, j), tokens(b, j));
    }
    assertNotEquals(a.completions(), c.completions());
    // The n samples differ from one another.
    assertTrue(a.completions().stream().map(Completion::tokens).distinct().count() > 1);
  }

  @Test
  void parallelSamplingGivesTheSameSamples() throws Exception {
    GenerationConfig cfg =
        GenerationConfig.of(
            SamplingParams.builder()
                .maxTokens(20)
                .temperature(1.0)
                .topP(0.9)
                .topK(100)
                .seed(5)
                .build());
    List<GenerationRequest> reqs =
        List.of(
            GenerationRequest.ofText("parallel", 8),
            GenerationRequest.ofText("sampling of rows", 8));
    List<GenerationResult> sequential = lm.generate(reqs, cfg);
    try (CausalLm par = CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).build()) {
      par.parallelSamplingWork(0);
      List<GenerationResult> parallel = par.generate(reqs, cfg);
      for (int i = 0; i < reqs.size(); i++) {
        assertEquals(sequential.get(i).completions(), parallel.get(i).completions());
      }
    }
  }

  @Test
  void samplesSharePrefill() {
    DecodeStats before = lm.decodeStats();
    GenerationResult r =
        lm.generate(
                List.of(GenerationRequest.ofText("shared prefill", 8)),
                GenerationConfig.builder()
                    .sampling(SamplingParams.builder().maxTokens(5).temperature(1).seed(1).build())
                    .prefixReuse(false)
                    .build())
            .get(0);
    DecodeStats d = lm.decodeStats().minus(before);
    assertEquals(1, d.prefillRuns());
    assertEquals(8, r.completions().size());
    assertEquals(r.completionTokens(), d.generatedTokens());
    assertTrue(d.decodeSteps() >= 1 && d.decodeSteps() <= 4);
    assertEquals(14, r.promptTokens());
    assertTrue(r.totalNanos() >= r.prefillNanos() && r.prefillNanos() > 0);
  }

  @Test
  void cpuTimeIsMeasuredOnlyWhenAsked() throws Exception {
    DecodeStats before = lm.decodeStats();
    lm.generate("abc", 2, GenerationConfig.greedy(8));
    DecodeStats off = lm.decodeStats().minus(before);
    assertEquals(0, off.decodeOutsideCpuNanos() + off.decodeRunCpuNanos());
    assertTrue(
        off.decodeSteps() > 0
            && off.decodeRunNanos() > 0
            && off.decodeStepNanos() >= off.decodeRunNanos());
    try (CausalLm timed =
        CausalLm.builder(dir)
            .tokenizer(new ByteTestTokenizer())
            .intraOpThreads(1)
            .measureCpuTime(true)
            .build()) {
      timed.generate("abc", 2, GenerationConfig.greedy(8));
      DecodeStats on = timed.decodeStats();
      assertTrue(on.decodeRunCpuNanos() > 0 && on.decodeOutsideCpuNanos() > 0, on.toString());
      assertTrue(on.outsideRunCpuShare() > 0 && on.outsideRunCpuShare() < 1);
    }
  }

  @Test
  void maxTokensEndsWithMaxTokens() {
    GenerationResult r = lm.generate("abc", 2, GenerationConfig.greedy(7));
    for (Completion c : r.completions()) {
      assertEquals(StopReason.MAX_TOKENS, c.stopReason());
      assertEquals(7, c.completionTokens());
    }
  }

  @Test
  void stopStringsAreFoundAcrossTokenBoundariesAndKept() {
    GenerationResult free =
        lm.generate("The quick brown fox jumps over", 1, GenerationConfig.greedy(40));
    String text = free.completions().get(0).text();
    // A stop string of three characters spans at least two byte tokens.
    int at = -1;
    for (int i = 3; i + 3 <= text.length(); i++) {
      String s = text.substring(i, i + 3);
      if (text.indexOf(s) == i && s.chars().allMatch(ch -> ch < 128 && ch >= 32)) {
        at = i;
        break;
      }
    }
    assertTrue(at > 0, "no usable stop string in " + text);
    String stop = text.substring(at, at + 3);
    GenerationResult cut =
        lm.generate(
            "The quick brown fox jumps over",
            1,
            GenerationConfig.of(
                SamplingParams.greedy(40).toBuilder()
                    .stopStrings(List.of("never-there", stop))
                    .build()));
    Completion c = cut.completions().get(0);
    assertEquals(StopReason.STOP_STRING, c.stopReason());
    assertEquals(text.substring(0, at + 3), c.text());
    assertTrue(c.completionTokens() < free.completions().get(0).completionTokens());
  }

  @Test
  void endOfSequenceTokenEndsGenerationAndIsNotInTheText() throws Exception {
    GenerationResult free = lm.generate("Hello world", 1, GenerationConfig.greedy(20));
    List<Integer> toks = tokens(free, 0);
    int eos = toks.get(5);
    int first = toks.indexOf(eos);
    Path other = Files.createTempDirectory(dir, "eos");
    for (String f : List.of("model.onnx", "tokenizer.json")) {
      Files.copy(dir.resolve(f), other.resolve(f));
    }
    Files.writeString(
        other.resolve("config.json"),
        TinyQwen2.configJson(TinyQwen2.Config.tiny())
            .replaceAll("\"eos_token_id\": \\d+", "\"eos_token_id\": " + eos));
    try (CausalLm m = CausalLm.builder(other).tokenizer(new ByteTestTokenizer()).build()) {
      Completion c = m.generate("Hello world", 1, GenerationConfig.greedy(20)).completions().get(0);
      assertEquals(StopReason.END_OF_SEQUENCE, c.stopReason());
      assertEquals(toks.subList(0, first + 1), c.tokens());
      assertEquals(
          new ByteTestTokenizer()
              .decode(toks.subList(0, first).stream().mapToInt(Integer::intValue).toArray()),
          c.text());
    }
  }

  @Test
  void contextLimitCapsGeneration() throws Exception {
    Path small = Files.createTempDirectory(dir, "ctx");
    TinyQwen2.writeExport(new TinyQwen2.Config(64, 2, 4, 2, 128, 16, 10000, 1e-6, 42), small);
    try (CausalLm m = CausalLm.builder(small).tokenizer(new ByteTestTokenizer()).build()) {
      Completion c =
          m.generate("0123456789abc", 1, GenerationConfig.greedy(50)).completions().get(0);
      assertEquals(3, c.completionTokens());
      assertEquals(StopReason.MAX_TOKENS, c.stopReason());
    }
  }
}
