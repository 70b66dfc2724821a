package io.rstar4j.core.model;

import ai.onnxruntime.OrtException;
import io.rstar4j.core.SamplingParams;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The batched decode: every sample's first token from its prompt's logits, then one model run per
 * step for all live samples of all prompts (left-padded to the longest prompt), sampling each row's
 * next token and applying the stop rules, and compaction of the batch once half its rows have
 * finished (ONNX Runtime GenAI's decoder state {@code Run} / {@code UpdateInputsOutputs}). Not
 * thread-safe.
 */
final class DecodeLoop {
  private final DecoderLayout layout;
  private final KvBuffers kv;
  private final DecoderInputs inputs;
  private final SessionRunner runner;
  private final DecodeCounters counters;
  private final Sampler sampler;
  private final ThreadLocal<Sampler> samplers;

  /** Rows x vocabulary above which rows are sampled in parallel. */
  private long parallelSamplingWork = 1L << 20;

  DecodeLoop(
      DecoderLayout layout,
      int samplingVocab,
      KvBuffers kv,
      DecoderInputs inputs,
      SessionRunner runner,
      DecodeCounters counters) {
    this.layout = layout;
    this.kv = kv;
    this.inputs = inputs;
    this.runner = runner;
    this.counters = counters;
    this.sampler = new Sampler(samplingVocab);
    this.samplers = ThreadLocal.withInitial(() -> new Sampler(samplingVocab));
  }

  /** For tests: the rows x vocabulary work above which rows are sampled in parallel. */
  void parallelSamplingWork(long work) {
    this.parallelSamplingWork = work;
  }

  /**
   * Generates every sample to its end.
   *
   * @param entries per request, its prompt's KV
   * @param lastLogits per request, the logits after its prompt's last token
   */
  void run(
      List<Sequence> all,
      KvEntry[] entries,
      float[][] lastLogits,
      SamplingParams params,
      StopMatcher stop)
      throws OrtException {
    List<Sequence> live = new ArrayList<>();
    for (Sequence r : all) {
      accept(r, sampler.sample(FloatBuffer.wrap(lastLogits[r.request]), 0, params, r.rnd), stop);
      if (!r.done) {
        live.add(r);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    // Assemble the batch, left-padded to the longest prompt.
    int rows = live.size();
    int len = 0;
    int maxBudget = 0;
    for (Sequence r : live) {
      len = Math.max(len, r.promptLength);
      maxBudget = Math.max(maxBudget, r.budget);
    }
    // Room for some steps now; grown (keeping the content) when the batch gets there.
    int capacityLen = len + Math.min(maxBudget, 64);
    kv.ensure(kv.bytesPerLayer(rows, capacityLen));
    for (int q = 0; q < rows; q++) {
      Sequence r = live.get(q);
      r.pad = len - r.promptLength;
      KvEntry e = entries[r.request];
      kv.loadRow(e, e.length, q, len, r.pad);
    }
    long v = layout.vocabSize();
    while (!live.isEmpty()) {
      long s0 = System.nanoTime();
      long c0 = counters.cpuNow();
      int alive = 0;
      for (Sequence r : live) {
        if (!r.done) {
          alive++;
        }
      }
      if (alive == 0) {
        break;
      }
      if (alive <= live.size() / 2) {
        len = compact(live, len);
        rows = live.size();
      }
      int total = len + 1;
      kv.grow(kv.bytesPerLayer(rows, total), kv.bytesPerLayer(rows, len));
      inputs.decodeStep(live, len);
      ByteBuffer lg = runner.logits(rows * v * Float.BYTES);
      long runNanos =
          runner.run(
              rows,
              1,
              len,
              inputs,
              kv.currentK(),
              kv.currentV(),
              kv.spareK(),
              kv.spareV(),
              lg,
              false);
      kv.swap();
      len = total;
      sampleRows(live, lg.asFloatBuffer(), (int) v, params, stop);
      counters.decodeStep(System.nanoTime() - s0, runNanos);
      counters.decodeStepCpu(counters.cpuNow() - c0, runner.lastRunCpuNanos());
    }
  }

  private void accept(Sequence s, int token, StopMatcher stop) {
    counters.token();
    stop.accept(s, token);
  }

  /**
   * Samples the next token of every live row and accepts it. With a large vocabulary and many rows
   * the rows are sampled in parallel (each row has its own generator, so results do not change).
   */
  private void sampleRows(
      List<Sequence> live, FloatBuffer lf, int v, SamplingParams params, StopMatcher stop) {
    int rows = live.size();
    if ((long) rows * v < parallelSamplingWork || rows < 2) {
      for (int q = 0; q < rows; q++) {
        Sequence r = live.get(q);
        if (!r.done) {
          accept(r, sampler.sample(lf, q * v, params, r.rnd), stop);
        }
      }
      return;
    }
    int[] chosen = new int[rows];
    IntStream.range(0, rows)
        .parallel()
        .forEach(
            q -> {
              Sequence r = live.get(q);
              if (!r.done) {
                chosen[q] = samplers.get().sample(lf, q * v, params, r.rnd);
              }
            });
    for (int q = 0; q < rows; q++) {
      Sequence r = live.get(q);
      if (!r.done) {
        accept(r, chosen[q], stop);
      }
    }
  }

  /**
   * Drops finished rows and the padding columns all live rows share.
   *
   * @return the new past length
   */
  private int compact(List<Sequence> live, int len) {
    List<Sequence> keep = new ArrayList<>();
    int minPad = Integer.MAX_VALUE;
    int[] from = new int[live.size()];
    for (int q = 0; q < live.size(); q++) {
      Sequence r = live.get(q);
      if (!r.done) {
        from[keep.size()] = q;
        keep.add(r);
        minPad = Math.min(minPad, r.pad);
      }
    }
    kv.pickRows(java.util.Arrays.copyOf(from, keep.size()), len, minPad);
    for (Sequence r : keep) {
      r.pad -= minPad;
    }
    live.clear();
    live.addAll(keep);
    return len - minPad;
  }
}
