package io.rstar4j.core.model;

import ai.onnxruntime.OrtException;
import io.rstar4j.core.SamplingParams;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The uncached reference decode, for tests and benchmarks only: every step runs the whole sequence
 * (prompt and generated tokens, left-padded) through the graph with an empty past and samples from
 * the logits of its last position, so no key or value is ever kept. Greedy and seeded results must
 * equal {@link CausalLm#generate}'s, which reuses keys and values; this is the independent side of
 * that comparison (it shares the sampler, the stop rules and the per-sample seeding, not the KV
 * handling). Not thread-safe.
 */
public final class ReferenceDecoder implements AutoCloseable {
  private final CausalLm lm;
  private final DecoderLayout layout;
  private final DecodeCounters counters = new DecodeCounters(false);
  private final SessionRunner runner;
  private final DecoderInputs inputs = new DecoderInputs();
  private final Sampler sampler;
  private final StopMatcher eos;
  private final SplittableRandom seeder = new SplittableRandom();

  /** A reference decoder over the same session as {@code lm}. */
  public ReferenceDecoder(CausalLm lm) {
    this.lm = lm;
    this.layout = lm.layout();
    this.runner =
        new SessionRunner(
            OnnxSessions.environment(), lm.session(), layout, lm.usesCacheBranch(), counters);
    this.sampler = new Sampler(Generator.samplingVocab(layout, lm.tokenizer()));
    this.eos = StopMatcher.forEos(layout.eosTokenIds());
  }

  /** Convenience: one text prompt, {@code n} samples. */
  public GenerationResult generate(String prompt, int n, GenerationConfig config) {
    return generate(List.of(GenerationRequest.ofText(prompt, n)), config).get(0);
  }

  /** Generates like {@link CausalLm#generate(List, GenerationConfig)}, recomputing every step. */
  public List<GenerationResult> generate(List<GenerationRequest> requests, GenerationConfig cfg) {
    long start = System.nanoTime();
    List<int[]> prompts = lm.promptIds(requests);
    int[] ns = new int[requests.size()];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = requests.get(i).n();
    }
    SamplingParams params = cfg.sampling();
    StopMatcher stop = eos.withStops(params.stopStrings());
    List<Sequence> rows =
        Generator.sequences(
            prompts, ns, params, stop.watchesText(), layout, lm.tokenizer(), seeder);
    try {
      decode(prompts, rows, params, stop);
    } catch (OrtException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    int[] none = new int[prompts.size()];
    return Generator.results(prompts, rows, none, new long[prompts.size()], start);
  }

  private void decode(
      List<int[]> prompts, List<Sequence> all, SamplingParams params, StopMatcher stop)
      throws OrtException {
    List<Sequence> live = new ArrayList<>(all);
    int len = 0;
    for (Sequence r : live) {
      len = Math.max(len, r.promptLength);
    }
    for (Sequence r : live) {
      r.pad = len - r.promptLength;
    }
    ByteBuffer[] empty = new KvBuffers(layout).empty();
    long v = layout.vocabSize();
    boolean first = true;
    while (true) {
      long s0 = System.nanoTime();
      live.removeIf(r -> r.done);
      if (live.isEmpty()) {
        break;
      }
      int minPad = Integer.MAX_VALUE;
      for (Sequence r : live) {
        minPad = Math.min(minPad, r.pad);
      }
      for (Sequence r : live) {
        r.pad -= minPad;
      }
      len -= minPad;
      int rows = live.size();
      inputs.reserve((long) rows * len, (long) rows * len);
      ByteBuffer idb = inputs.ids();
      ByteBuffer mb = inputs.mask();
      ByteBuffer posb = inputs.positions();
      for (int q = 0; q < rows; q++) {
        Sequence r = live.get(q);
        int[] prompt = prompts.get(r.request);
        for (int j = 0; j < len; j++) {
          int at = (q * len + j) * 8;
          int k = j - r.pad;
          long tok = k < 0 ? 0 : k < prompt.length ? prompt[k] : r.token(k - prompt.length);
          idb.putLong(at, tok);
          mb.putLong(at, k < 0 ? 0 : 1);
          posb.putLong(at, Math.max(k, 0));
        }
      }
      ByteBuffer lg = runner.logits(rows * len * v * Float.BYTES);
      long runNanos = runner.run(rows, len, 0, inputs, empty, empty, null, null, lg, true);
      FloatBuffer lf = lg.asFloatBuffer();
      for (int q = 0; q < rows; q++) {
        Sequence r = live.get(q);
        counters.token();
        stop.accept(r, sampler.sample(lf, (int) ((q * (long) len + len - 1) * v), params, r.rnd));
      }
      len++;
      if (first) {
        counters.prefillRun(System.nanoTime() - s0);
        first = false;
      } else {
        counters.decodeStep(System.nanoTime() - s0, runNanos);
      }
    }
  }

  /** Timing of this decoder's runs: the first step of a call counts as its prefill. */
  public DecodeStats stats() {
    return counters.snapshot();
  }

  /** Closes the tensors kept between runs (not the model). */
  @Override
  public void close() {
    runner.close();
  }
}
