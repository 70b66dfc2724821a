package io.rstar4j.core.model;

import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the keys and values of a call's prompts and the logits after each prompt's last token:
 * identical prompts once, the longest cached prefix of each reused, the short remainders together
 * in batched runs and the long ones (over one chunk) alone, chunk by chunk. Not thread-safe.
 */
final class Prefiller {
  /** Most prompts prefilled together in one run. */
  static final int MAX_PREFILL_ROWS = 16;

  private final DecoderLayout layout;
  private final int chunk;
  private final KvBuffers kv;
  private final DecoderInputs inputs;
  private final SessionRunner runner;
  private final DecodeCounters counters;

  Prefiller(
      DecoderLayout layout,
      int chunk,
      KvBuffers kv,
      DecoderInputs inputs,
      SessionRunner runner,
      DecodeCounters counters) {
    this.layout = layout;
    this.chunk = chunk;
    this.kv = kv;
    this.inputs = inputs;
    this.runner = runner;
    this.counters = counters;
  }

  /** Every prompt's KV entry and the logits after its last token. */
  record Prefilled(KvEntry[] entries, float[][] lastLogits) {}

  /**
   * Prefills every prompt.
   *
   * @param cache the prefix cache to look prefixes up in and store the prompts into; null for none
   * @param reused out: per prompt, the tokens whose KV came from the cache
   * @param prefillTime out: per prompt, its share of the prefill time (0 for a repeated prompt)
   */
  Prefilled prefill(List<int[]> prompts, PrefixCache cache, int[] reused, long[] prefillTime)
      throws OrtException {
    int requests = prompts.size();
    KvEntry[] entries = new KvEntry[requests];
    float[][] lastLogits = new float[requests][];
    Map<List<Integer>, Integer> seen = new HashMap<>();
    int[] sameAs = new int[requests];
    List<Integer> unique = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Integer same = seen.putIfAbsent(boxed(prompts.get(i)), i);
      sameAs[i] = same == null ? i : same;
      if (same == null) {
        unique.add(i);
      }
    }
    // Look every distinct prompt up, then prefill the short remainders together in one run and
    // the long ones (over one chunk) alone, chunk by chunk.
    PrefixCache.Match[] matches = new PrefixCache.Match[requests];
    List<Integer> together = new ArrayList<>();
    List<Integer> alone = new ArrayList<>();
    for (int i : unique) {
      int[] p = prompts.get(i);
      matches[i] = cache != null ? cache.lookup(p, p.length - 1) : null;
      reused[i] = matches[i] == null ? 0 : matches[i].length();
      lastLogits[i] = new float[layout.vocabSize()];
      (p.length - reused[i] <= chunk ? together : alone).add(i);
    }
    for (List<Integer> group : groups(together, prompts, reused)) {
      long t0 = System.nanoTime();
      if (group.size() == 1) {
        int i = group.get(0);
        entries[i] = prefillOne(prompts.get(i), matches[i], lastLogits[i]);
      } else {
        prefillBatch(group, prompts, matches, entries, lastLogits);
      }
      long spent = System.nanoTime() - t0;
      long work = 0;
      for (int i : group) {
        work += prompts.get(i).length - reused[i];
      }
      for (int i : group) {
        prefillTime[i] = spent * (prompts.get(i).length - reused[i]) / Math.max(1, work);
        if (cache != null) {
          cache.put(entries[i]);
        }
      }
    }
    for (int i : alone) {
      long t0 = System.nanoTime();
      entries[i] = prefillOne(prompts.get(i), matches[i], lastLogits[i]);
      if (cache != null) {
        cache.put(entries[i]);
      }
      prefillTime[i] = System.nanoTime() - t0;
    }
    for (int i = 0; i < requests; i++) {
      if (sameAs[i] != i) {
        entries[i] = entries[sameAs[i]];
        lastLogits[i] = lastLogits[sameAs[i]];
        reused[i] = reused[sameAs[i]];
      }
    }
    return new Prefilled(entries, lastLogits);
  }

  /**
   * Groups of the short prompts whose padded size (rows x longest remainder) stays within one
   * chunk, so that the logits buffer is bounded as for a single prompt.
   */
  private List<List<Integer>> groups(List<Integer> together, List<int[]> prompts, int[] reused) {
    List<List<Integer>> groups = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int currentMax = 0;
    for (int i : together) {
      int r = prompts.get(i).length - reused[i];
      int m = Math.max(currentMax, r);
      if (!current.isEmpty()
          && ((long) (current.size() + 1) * m > chunk || current.size() == MAX_PREFILL_ROWS)) {
        groups.add(current);
        current = new ArrayList<>();
        m = r;
      }
      current.add(i);
      currentMax = m;
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  /**
   * Computes the KV of one prompt (after the cached prefix {@code m}, if any) chunk by chunk, and
   * the logits after its last token.
   */
  private KvEntry prefillOne(int[] tokens, PrefixCache.Match m, float[] lastLogitsOut)
      throws OrtException {
    int total = tokens.length;
    int pos = m == null ? 0 : m.length();
    ByteBuffer[] srcK;
    ByteBuffer[] srcV;
    kv.ensure(kv.bytesPerLayer(1, total));
    if (m == null) {
      srcK = kv.empty();
      srcV = kv.empty();
    } else if (m.length() == m.entry().length) {
      srcK = m.entry().keys;
      srcV = m.entry().values;
    } else {
      kv.rewind(m.entry(), pos);
      srcK = kv.currentK();
      srcV = kv.currentV();
    }
    ByteBuffer[] outK = null;
    ByteBuffer[] outV = null;
    long v = layout.vocabSize();
    while (pos < total) {
      long t0 = System.nanoTime();
      int c = Math.min(chunk, total - pos);
      boolean last = pos + c == total;
      ByteBuffer[] dstK;
      ByteBuffer[] dstV;
      if (last) {
        outK = kv.entryBuffers(total);
        outV = kv.entryBuffers(total);
        dstK = outK;
        dstV = outV;
      } else if (srcK == kv.currentK()) {
        dstK = kv.spareK();
        dstV = kv.spareV();
      } else {
        dstK = kv.currentK();
        dstV = kv.currentV();
      }
      inputs.promptChunk(tokens, pos, c);
      ByteBuffer lg = runner.logits(c * v * Float.BYTES);
      runner.run(1, c, pos, inputs, srcK, srcV, dstK, dstV, lg, false);
      if (last) {
        lg.asFloatBuffer().get((int) ((c - 1) * v), lastLogitsOut);
      }
      srcK = dstK;
      srcV = dstV;
      pos += c;
      counters.prefillRun(System.nanoTime() - t0);
    }
    return new KvEntry(tokens.clone(), total, outK, outV);
  }

  /**
   * Prefills several prompts in one run. Row q holds its cached prefix right-aligned in the past
   * and its remaining tokens right-aligned in the new chunk, the gaps masked out; the result of
   * each row is then copied out without the gaps into its own entry.
   */
  private void prefillBatch(
      List<Integer> group,
      List<int[]> prompts,
      PrefixCache.Match[] matches,
      KvEntry[] entries,
      float[][] lastLogits)
      throws OrtException {
    long t0 = System.nanoTime();
    int rows = group.size();
    int past = 0;
    int seq = 0;
    for (int i : group) {
      int k = matches[i] == null ? 0 : matches[i].length();
      past = Math.max(past, k);
      seq = Math.max(seq, prompts.get(i).length - k);
    }
    int total = past + seq;
    kv.ensure(kv.bytesPerLayer(rows, total));
    inputs.reserve((long) rows * seq, (long) rows * total);
    int[] ks = new int[rows];
    for (int q = 0; q < rows; q++) {
      int i = group.get(q);
      int[] p = prompts.get(i);
      int k = matches[i] == null ? 0 : matches[i].length();
      ks[q] = k;
      if (k > 0) {
        kv.loadRow(matches[i].entry(), k, q, past, past - k);
      } else if (past > 0) {
        kv.loadRow(null, 0, q, past, past);
      }
      inputs.promptRow(q, p, k, past, seq);
    }
    long v = layout.vocabSize();
    ByteBuffer lg = runner.logits(rows * seq * v * Float.BYTES);
    runner.run(
        rows, seq, past, inputs, kv.currentK(), kv.currentV(), kv.spareK(), kv.spareV(), lg, false);
    FloatBuffer lf = lg.asFloatBuffer();
    for (int q = 0; q < rows; q++) {
      int i = group.get(q);
      int[] p = prompts.get(i);
      int k = ks[q];
      int r = p.length - k;
      lf.get((int) ((q * (long) seq + seq - 1) * v), lastLogits[i]);
      entries[i] = kv.extractRow(q, total, past - k, k, total - r, r, p.clone());
    }
    counters.prefillRun(System.nanoTime() - t0);
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int x : a) {
      l.add(x);
    }
    return l;
  }
}
