package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prefix KV reuse across a tree of expansions gives the same results as recomputing. */
class PrefixReuseTest {
  @TempDir static Path dir;

  @BeforeAll
  static void export() throws Exception {
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
  }

  /** Expands a small tree level by level; returns every completion text in order. */
  private static List<String> expandTree(CausalLm lm, GenerationConfig cfg) {
    List<String> all = new ArrayList<>();
    List<String> frontier = List.of("<|im_start|>Solve: 2 + 3 = ?\n");
    for (int depth = 0; depth < 3; depth++) {
      List<GenerationRequest> reqs = new ArrayList<>();
      for (String p : frontier) {
        reqs.add(GenerationRequest.ofText(p, 3));
      }
      List<GenerationResult> res = lm.generate(reqs, cfg);
      List<String> next = new ArrayList<>();
      for (int i = 0; i < frontier.size(); i++) {
        for (Completion c : res.get(i).completions()) {
          all.add(c.text() + "|" + c.tokens());
          if (next.size() < 4) {
            next.add(frontier.get(i) + c.text());
          }
        }
      }
      // Later expansions of the same nodes (the search re-expands after backup).
      for (GenerationResult r : lm.generate(reqs.subList(0, 1), cfg)) {
        for (Completion c : r.completions()) {
          all.add("again:" + c.text() + "|" + c.tokens());
        }
      }
      frontier = next;
    }
    return all;
  }

  @Test
  void resultsAreIdenticalWithReuseOnAndOff() throws Exception {
    for (GenerationConfig cfg :
        List.of(
            GenerationConfig.greedy(12),
            GenerationConfig.of(
                SamplingParams.builder()
                    .maxTokens(12)
                    .temperature(1.0)
                    .topP(0.9)
                    .seed(99)
                    .build()))) {
      List<String> on;
      List<String> off;
      List<String> tight;
      PrefixCacheStats stats;
      PrefixCacheStats tightStats;
      try (CausalLm lm =
          CausalLm.builder(dir)
              .tokenizer(new ByteTestTokenizer())
              .prefixCacheBytes(64L << 20)
              .build()) {
        on = expandTree(lm, cfg);
        stats = lm.prefixCacheStats();
      }
      try (CausalLm lm =
          CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).prefixCacheBytes(0).build()) {
        off = expandTree(lm, cfg);
        assertEquals(0, lm.prefixCacheStats().hits());
      }
      long perToken = 2L * 2 * 2 * 16 * 4;
      long budget = perToken * 45; // room for about one prompt: forces evictions
      try (CausalLm lm =
          CausalLm.builder(dir)
              .tokenizer(new ByteTestTokenizer())
              .prefixCacheBytes(budget)
              .build()) {
        tight = expandTree(lm, cfg);
        tightStats = lm.prefixCacheStats();
      }
      assertEquals(off, on);
      assertEquals(off, tight);
      assertTrue(stats.hits() > 0 && stats.reusedTokens() > 0, stats.toString());
      assertTrue(stats.hitRate() > 0.5, stats.toString());
      assertTrue(stats.bytes() > 0 && stats.bytes() <= stats.capacityBytes());
      if (cfg.sampling().temperature()
          > 0) { // distinct siblings: entries that are not prefixes of others
        assertTrue(tightStats.evictions() > 0, tightStats.toString());
      }
      assertTrue(tightStats.bytes() <= budget);
    }
  }

  @Test
  void reusedTokensAreReportedPerRequest() throws Exception {
    try (CausalLm lm = CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).build()) {
      GenerationConfig cfg = GenerationConfig.greedy(4);
      GenerationResult first = lm.generate("A parent prompt", 2, cfg);
      assertEquals(0, first.reusedPromptTokens());
      GenerationResult child = lm.generate("A parent prompt and a child step", 2, cfg);
      assertEquals("A parent prompt".length(), child.reusedPromptTokens());
      GenerationResult off =
          lm.generate(
                  List.of(GenerationRequest.ofText("A parent prompt and a child step", 2)),
                  cfg.toBuilder().prefixReuse(false).build())
              .get(0);
      assertEquals(0, off.reusedPromptTokens());
      assertEquals(off.completions(), child.completions());
    }
  }
}
