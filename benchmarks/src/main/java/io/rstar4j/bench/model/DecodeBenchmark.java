package io.rstar4j.bench.model;

import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.Completion;
import io.rstar4j.core.model.DecodeStats;
import io.rstar4j.core.model.GenerationConfig;
import io.rstar4j.core.model.GenerationRequest;
import io.rstar4j.core.model.GenerationResult;
import io.rstar4j.core.model.PrefixCacheStats;
import io.rstar4j.core.model.Prompt;
import io.rstar4j.core.model.ReferenceDecoder;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Decode throughput of a generated Qwen2-style decoder on ONNX Runtime (CPU unless CUDA is usable):
 * tokens per second with and without the KV cache (the latter with the core test jar's {@link
 * ReferenceDecoder}, which recomputes the whole sequence every step), batch 1 against batch 16,
 * prefix reuse on against off while expanding a search tree with n = 8 candidates per node, and the
 * share of each decode step spent outside {@code OrtSession.run}, by wall clock and by the
 * generating thread's CPU time (the latter is immune to waiting for a core on a loaded machine;
 * with {@code --threads 1} ONNX Runtime computes on that same thread, so it is the honest share).
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *     io.rstar4j.bench.model.DecodeBenchmark [--size tiny|small] [--tokens 64] [--threads 0] [--no-spin]
 * </pre>
 */
public final class DecodeBenchmark {
  private DecodeBenchmark() {}

  @Command(name = "DecodeBenchmark", description = "decode throughput of a generated decoder")
  static final class Options {
    @Option(
        names = "--size",
        paramLabel = "tiny|small",
        defaultValue = "small",
        description = "the generated decoder (default ${DEFAULT-VALUE})")
    String size;

    @Option(
        names = "--tokens",
        paramLabel = "N",
        defaultValue = "64",
        description = "tokens per sample (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(
        names = "--threads",
        paramLabel = "N",
        defaultValue = "0",
        description = "ONNX Runtime intra-op threads, 0 for its default (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--no-spin", description = "ONNX Runtime threads do not spin while waiting")
    boolean noSpin;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    String size = opts.size;
    int tokens = opts.tokens;
    int threads = opts.threads;
    boolean spin = !opts.noSpin;
    TinyQwen2.Config config =
        size.equals("tiny") ? TinyQwen2.Config.tiny() : TinyQwen2.Config.small();
    Path dir = Files.createTempDirectory("rstar-decode-bench");
    TinyQwen2.writeExport(config, dir);
    System.out.printf(
        Locale.ROOT,
        "model: %s (%d layers, width %d, %d heads / %d KV heads,"
            + " vocab %d), %d tokens per sample, intra-op threads %s%s, %d cores%n",
        size,
        config.layers(),
        config.hidden(),
        config.heads(),
        config.kvHeads(),
        TinyQwen2.vocabSize(),
        tokens,
        threads == 0 ? "default" : threads,
        spin ? "" : " (no spin)",
        Runtime.getRuntime().availableProcessors());
    try (CausalLm lm =
            CausalLm.builder(dir)
                .intraOpThreads(threads)
                .spinning(spin)
                .measureCpuTime(true)
                .build();
        ReferenceDecoder uncached = new ReferenceDecoder(lm)) {
      System.out.println("provider: " + lm.provider());
      String prompt =
          PromptTemplate.SEARCH.head(
              "Find all real x such that x^2 - 5x + 6 = 0 and report their sum.");
      SamplingParams greedyParams = SamplingParams.greedy(tokens);
      GenerationConfig greedy =
          GenerationConfig.builder().sampling(greedyParams).prefixReuse(false).build();
      // Warm up every path until the JIT has compiled the loop (about 2 s): with a single warm-up
      // call the first scenarios measured the interpreter's overhead, not the steady state.
      uncached.generate(
          List.of(GenerationRequest.ofText(prompt, 2)),
          greedy.toBuilder().sampling(SamplingParams.greedy(8)).build());
      long warmUntil = System.nanoTime() + 2_000_000_000L;
      GenerationConfig sampled =
          greedy.toBuilder()
              .sampling(greedyParams.toBuilder().temperature(1).seed(1).build())
              .build();
      while (System.nanoTime() < warmUntil) {
        lm.generate(List.of(GenerationRequest.ofText(prompt, 1)), greedy);
        lm.generate(List.of(GenerationRequest.ofText(prompt, 16)), sampled);
        lm.generate(prompts(prompt, 4), greedy);
      }

      System.out.println();
      System.out.println(
          "scenario                          tokens   seconds   tokens/s"
              + "   decode-only tokens/s   outside run (wall)   outside us/step (wall)"
              + "   outside run (thread CPU)");
      Measure cached1 = measure(lm::generate, lm::decodeStats, prompts(prompt, 1), 1, greedy, 10);
      print("KV cache, batch 1", cached1);
      Measure uncached1 =
          measureUncached(uncached::generate, uncached::stats, prompts(prompt, 1), 1, greedy, 1);
      print("no KV cache, batch 1", uncached1);
      Measure cached16 = measure(lm::generate, lm::decodeStats, prompts(prompt, 16), 1, greedy, 5);
      print("KV cache, batch 16 (16 prompts)", cached16);
      Measure n16 = measure(lm::generate, lm::decodeStats, prompts(prompt, 1), 16, sampled, 5);
      print("KV cache, 1 prompt x n=16", n16);
      System.out.printf(
          Locale.ROOT,
          "KV cache speed-up at batch 1: %.1fx; batch 16 over batch 1:" + " %.1fx%n",
          cached1.tokensPerSecond() / uncached1.tokensPerSecond(),
          cached16.tokensPerSecond() / cached1.tokensPerSecond());

      String longRoot =
          PromptTemplate.SEARCH.head(
              ("Example: "
                          + "The sum of the roots of a"
                          + " quadratic ax^2 + bx + c is -b/a; here a = 1 and b = -5, so the sum is 5. ")
                      .repeat(10)
                  + "Find all real x such that x^2 - 5x + 6 = 0 and report their sum.");
      for (String root : List.of(prompt, longRoot)) {
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "tree expansion from a %d-token root: n = 8 candidates per"
                + " node, 4 nodes per level, 4 levels, 24 tokens per step, first node of each level"
                + " expanded twice:%n",
            lm.tokenizer().encode(root).length);
        TreeRun off = tree(lm, root, false);
        TreeRun on = tree(lm, root, true);
        System.out.printf(
            Locale.ROOT,
            "  prefix reuse on : %.3f s, %d prompt tokens computed,"
                + " %d reused (hit rate %.2f, cache %d entries, %.1f KiB)%n",
            on.seconds,
            on.computed,
            on.reused,
            on.stats.hitRate(),
            on.stats.entries(),
            on.stats.bytes() / 1024.0);
        System.out.printf(
            Locale.ROOT,
            "  prefix reuse off: %.3f s, %d prompt tokens computed%n",
            off.seconds,
            off.computed);
        System.out.printf(
            Locale.ROOT,
            "  same texts: %s; speed-up %.2fx%n",
            on.texts.equals(off.texts),
            off.seconds / on.seconds);
      }
    }
  }

  private static List<GenerationRequest> prompts(String base, int count) {
    List<GenerationRequest> r = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      r.add(GenerationRequest.ofText(base + " Variant " + i + ".", 1));
    }
    return r;
  }

  record Measure(
      long tokens,
      double seconds,
      double outsideShare,
      double decodeTokensPerSecond,
      double outsideMicrosPerStep,
      double outsideCpuShare) {
    double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  /** A generation call: the model's, or the uncached reference decoder's. */
  interface Generate
      extends BiFunction<List<GenerationRequest>, GenerationConfig, List<GenerationResult>> {}

  private static Measure measure(
      Generate gen,
      Supplier<DecodeStats> stats,
      List<GenerationRequest> reqs,
      int n,
      GenerationConfig cfg,
      int reps) {
    return measure(gen, stats, reqs, n, cfg, reps, true);
  }

  private static Measure measureUncached(
      Generate gen,
      Supplier<DecodeStats> stats,
      List<GenerationRequest> reqs,
      int n,
      GenerationConfig cfg,
      int reps) {
    return measure(gen, stats, reqs, n, cfg, reps, false);
  }

  private static Measure measure(
      Generate gen,
      Supplier<DecodeStats> stats,
      List<GenerationRequest> reqs,
      int n,
      GenerationConfig cfg,
      int reps,
      boolean kvCache) {
    List<GenerationRequest> rs = new ArrayList<>();
    for (GenerationRequest r : reqs) {
      rs.add(GenerationRequest.ofText(((Prompt.Text) r.prompt()).text(), n));
    }
    List<Measure> runs = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      DecodeStats before = stats.get();
      long t0 = System.nanoTime();
      List<GenerationResult> res = gen.apply(rs, cfg);
      double secs = (System.nanoTime() - t0) / 1e9;
      DecodeStats d = stats.get().minus(before);
      long toks = res.stream().mapToLong(GenerationResult::completionTokens).sum();
      long firstTokens = (long) rs.size() * n; // sampled from the prefill's logits
      double decodeSecs = (d.decodeStepNanos() + d.prefillNanos() * (kvCache ? 0 : 1)) / 1e9;
      runs.add(
          new Measure(
              toks,
              secs,
              d.outsideRunShare(),
              (toks - (kvCache ? firstTokens : 0)) / decodeSecs,
              (d.decodeStepNanos() - d.decodeRunNanos()) / 1e3 / Math.max(1, d.decodeSteps()),
              d.outsideRunCpuShare()));
    }
    return runs.stream().min(Comparator.comparingDouble(Measure::seconds)).orElseThrow();
  }

  private static void print(String name, Measure m) {
    System.out.printf(
        Locale.ROOT,
        "%-32s %7d %9.3f %10.1f %22.1f %19.1f%% %24.1f %25s%n",
        name,
        m.tokens(),
        m.seconds(),
        m.tokensPerSecond(),
        m.decodeTokensPerSecond(),
        100 * m.outsideShare(),
        m.outsideMicrosPerStep(),
        m.outsideCpuShare() == 0
            ? "-"
            : String.format(Locale.ROOT, "%.1f%%", 100 * m.outsideCpuShare()));
  }

  record TreeRun(
      double seconds, long computed, long reused, PrefixCacheStats stats, List<String> texts) {}

  /** Expands a tree level by level, re-expanding the first node of each level once more. */
  private static TreeRun tree(CausalLm lm, String root, boolean reuse) {
    lm.clearPrefixCache();
    PrefixCacheStats s0 = lm.prefixCacheStats();
    GenerationConfig cfg =
        GenerationConfig.builder()
            .sampling(SamplingParams.builder().maxTokens(24).temperature(1.0).seed(7).build())
            .prefixReuse(reuse)
            .build();
    List<String> texts = new ArrayList<>();
    long computed = 0;
    long reused = 0;
    long t0 = System.nanoTime();
    List<String> frontier = List.of(root);
    for (int depth = 0; depth < 4; depth++) {
      List<GenerationRequest> reqs = new ArrayList<>();
      for (String p : frontier) {
        reqs.add(GenerationRequest.ofText(p, 8));
      }
      List<GenerationResult> res = lm.generate(reqs, cfg);
      List<GenerationResult> again = lm.generate(reqs.subList(0, 1), cfg);
      List<String> next = new ArrayList<>();
      for (List<GenerationResult> batch : List.of(res, again)) {
        for (GenerationResult r : batch) {
          computed += r.promptTokens() - r.reusedPromptTokens();
          reused += r.reusedPromptTokens();
        }
      }
      for (int i = 0; i < res.size(); i++) {
        for (Completion c : res.get(i).completions()) {
          texts.add(c.text());
          if (next.size() < 4) {
            next.add(frontier.get(i) + c.text());
          }
        }
      }
      frontier = next;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    PrefixCacheStats s = lm.prefixCacheStats();
    PrefixCacheStats delta =
        new PrefixCacheStats(
            s.lookups() - s0.lookups(),
            s.hits() - s0.hits(),
            s.lookedUpTokens() - s0.lookedUpTokens(),
            s.reusedTokens() - s0.reusedTokens(),
            s.entries(),
            s.bytes(),
            s.capacityBytes(),
            s.evictions() - s0.evictions());
    return new TreeRun(secs, computed, reused, delta, texts);
  }
}
