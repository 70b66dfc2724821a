package io.rstar4j.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One generation call over the decoder session, assembled from rooms with one job each (modelled on
 * ONNX Runtime GenAI's decoder-only state): {@link Prefiller} computes the prompts' keys and values
 * through the {@link PrefixCache}, {@link DecodeLoop} runs the batched decode over the {@link
 * KvBuffers}, feeding {@link DecoderInputs} to the {@link SessionRunner}, with a {@link
 * StopMatcher} ending each {@link Sequence} and {@link DecodeCounters} keeping the statistics. Not
 * thread-safe: {@link CausalLm} serialises calls.
 */
final class Generator implements AutoCloseable {
  private final DecoderLayout layout;
  private final Tokenizer tokenizer;
  private final PrefixCache cache;
  private final DecodeCounters counters;
  private final SessionRunner runner;
  private final Prefiller prefiller;
  private final DecodeLoop decodeLoop;
  private final StopMatcher eos;
  private final SplittableRandom seeder = new SplittableRandom();

  Generator(
      OrtEnvironment env,
      OrtSession session,
      DecoderLayout layout,
      Tokenizer tokenizer,
      long prefixCacheBytes,
      int prefillChunk,
      boolean useCacheBranch,
      boolean cpuTiming) {
    this.layout = layout;
    this.tokenizer = tokenizer;
    this.cache = prefixCacheBytes > 0 ? new PrefixCache(prefixCacheBytes) : null;
    this.counters = new DecodeCounters(cpuTiming);
    this.runner = new SessionRunner(env, session, layout, useCacheBranch, counters);
    KvBuffers kv = new KvBuffers(layout);
    DecoderInputs inputs = new DecoderInputs();
    this.prefiller = new Prefiller(layout, prefillChunk, kv, inputs, runner, counters);
    this.decodeLoop =
        new DecodeLoop(layout, samplingVocab(layout, tokenizer), kv, inputs, runner, counters);
    this.eos = StopMatcher.forEos(layout.eosTokenIds());
  }

  /** Tokens the sampler draws from: the logits width, cut to the tokenizer's vocabulary. */
  static int samplingVocab(DecoderLayout layout, Tokenizer tokenizer) {
    return Math.min(layout.vocabSize(), Math.max(1, tokenizer.vocabSize()));
  }

  /** For tests: the rows x vocabulary work above which rows are sampled in parallel. */
  void parallelSamplingWork(long work) {
    decodeLoop.parallelSamplingWork(work);
  }

  PrefixCacheStats cacheStats() {
    return cache == null ? new PrefixCacheStats(0, 0, 0, 0, 0, 0, 0, 0) : cache.stats();
  }

  void clearCache() {
    if (cache != null) {
      cache.clear();
    }
  }

  DecodeStats stats() {
    return counters.snapshot();
  }

  /** Generates {@code ns[i]} samples of every prompt {@code i} (checked token ids). */
  List<GenerationResult> generate(List<int[]> prompts, int[] ns, GenerationConfig cfg)
      throws OrtException {
    long start = System.nanoTime();
    SamplingParams params = cfg.sampling();
    StopMatcher stop = eos.withStops(params.stopStrings());
    int requests = prompts.size();
    int[] reused = new int[requests];
    long[] prefillTime = new long[requests];
    List<Sequence> rows =
        sequences(prompts, ns, params, stop.watchesText(), layout, tokenizer, seeder);
    Prefiller.Prefilled p =
        prefiller.prefill(prompts, cfg.prefixReuse() ? cache : null, reused, prefillTime);
    decodeLoop.run(rows, p.entries(), p.lastLogits(), params, stop);
    return results(prompts, rows, reused, prefillTime, start);
  }

  /** The samples of a call, in request then sample order. */
  static List<Sequence> sequences(
      List<int[]> prompts,
      int[] ns,
      SamplingParams params,
      boolean decodeAsItGoes,
      DecoderLayout layout,
      Tokenizer tokenizer,
      SplittableRandom seeder) {
    List<Sequence> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] p = prompts.get(i);
      int budget = Math.min(params.maxTokens(), layout.maxPositions() - p.length);
      for (int j = 0; j < ns[i]; j++) {
        rows.add(
            new Sequence(
                i,
                j,
                p.length,
                budget,
                Sequence.random(params, p, j, seeder),
                tokenizer,
                decodeAsItGoes));
      }
    }
    return rows;
  }

  /** Gathers the finished samples into one result per request. */
  static List<GenerationResult> results(
      List<int[]> prompts, List<Sequence> rows, int[] reused, long[] prefillTime, long start) {
    long end = System.nanoTime();
    int requests = prompts.size();
    List<List<Completion>> per = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      per.add(new ArrayList<>());
    }
    for (Sequence r : rows) {
      per.get(r.request).add(r.completion());
    }
    List<GenerationResult> out = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      long done = rowsEnd(rows, i, end);
      out.add(
          new GenerationResult(
              per.get(i), prompts.get(i).length, reused[i], prefillTime[i], done - start));
    }
    return out;
  }

  private static long rowsEnd(List<Sequence> rows, int request, long fallback) {
    long e = 0;
    for (Sequence r : rows) {
      if (r.request == request) {
        e = Math.max(e, r.endNanos == 0 ? fallback : r.endNanos);
      }
    }
    return e == 0 ? fallback : e;
  }

  /** Closes the tensors kept between runs. */
  @Override
  public void close() {
    runner.close();
  }
}
