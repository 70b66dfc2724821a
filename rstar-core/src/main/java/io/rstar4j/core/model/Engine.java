package io.rstar4j.core.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The generation loop over one ONNX Runtime session: chunked prefill (reusing cached prefixes),
 * replication of each prompt's KV to its {@code n} samples, batched decode with left padding, and
 * compaction of the batch when half its rows have finished.
 *
 * <p>All keys and values live in direct buffers owned here: inputs are tensors over them and
 * outputs are pinned into them, so ONNX Runtime writes each step's {@code present} straight into
 * the buffer that the next step reads as {@code past} (ping-pong), with no copy through the Java
 * heap and no allocation per token. Not thread-safe: {@link CausalLm} serialises calls.
 */
final class Engine {
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).order(NATIVE);

  /** Most prompts prefilled together in one run. */
  private static final int MAX_PREFILL_ROWS = 16;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final DecoderLayout layout;
  private final Tokenizer tokenizer;
  private final PrefixCache cache;
  private final int prefillChunk;
  private final boolean useCacheBranch;
  private final String[] pastK;
  private final String[] pastV;
  private final String[] presentK;
  private final String[] presentV;
  private final Sampler sampler;
  private final ThreadLocal<Sampler> samplers;

  /** Rows x vocabulary above which rows are sampled in parallel. */
  private long parallelSamplingWork = 1L << 20;

  private final SplittableRandom seeder = new SplittableRandom();
  private final int kvRowFloats; // floats of one token of one row in one layer's K (heads*dim)

  /** End-of-sequence ids as a bit set (no boxing per token); ids past its end are not EOS. */
  private final boolean[] eos;

  // Scratch, grown on demand and reused across calls.
  private ByteBuffer[] aK = new ByteBuffer[0];
  private ByteBuffer[] aV = new ByteBuffer[0];
  private ByteBuffer[] bK = new ByteBuffer[0];
  private ByteBuffer[] bV = new ByteBuffer[0];
  private long kvCapacityBytes;
  private ByteBuffer ids = EMPTY;
  private ByteBuffer mask = EMPTY;
  private ByteBuffer positions = EMPTY;
  private ByteBuffer logits = EMPTY;
  private final ByteBuffer cacheBranch = ByteBuffer.allocateDirect(1).order(NATIVE);
  private final Map<String, OnnxTensor> inputs = new HashMap<>();
  private final Map<String, OnnxTensor> pinned = new HashMap<>();
  private final ByteBuffer[] slotBuffers = new ByteBuffer[4];
  private final long[][] slotShapes = new long[4][];
  private final OnnxTensor[] slotTensors = new OnnxTensor[4];

  /**
   * Tensors of the previous run, kept open: a step's {@code present} tensors have the buffers and
   * shapes of the next step's {@code past}, so they are passed again instead of being recreated.
   */
  private List<Kept> keptPrev = new ArrayList<>();

  private List<Kept> keptNow = new ArrayList<>();
  private long lastRunCpuNanos;
  private long[] maskOnes = new long[0];
  private long[] maskZeros = new long[0];

  /** A tensor over (a view of) a buffer with its shape. */
  private record Kept(ByteBuffer buf, long[] shape, OnnxJavaType type, OnnxTensor tensor) {}

  // Statistics.
  private long decodeSteps;
  private long decodeStepNanos;
  private long decodeRunNanos;
  private long prefillRuns;
  private long prefillNanos;
  private long generatedTokens;
  private long decodeOutsideCpuNanos;
  private long decodeRunCpuNanos;
  private final boolean cpuTiming;
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  Engine(
      OrtEnvironment env,
      OrtSession session,
      DecoderLayout layout,
      Tokenizer tokenizer,
      long prefixCacheBytes,
      int prefillChunk,
      boolean useCacheBranch,
      boolean cpuTiming) {
    this.cpuTiming = cpuTiming && THREADS.isCurrentThreadCpuTimeSupported();
    this.env = env;
    this.session = session;
    this.layout = layout;
    this.tokenizer = tokenizer;
    this.cache = prefixCacheBytes > 0 ? new PrefixCache(prefixCacheBytes) : null;
    this.prefillChunk = prefillChunk;
    this.useCacheBranch = useCacheBranch;
    int l = layout.layers();
    pastK = new String[l];
    pastV = new String[l];
    presentK = new String[l];
    presentV = new String[l];
    for (int i = 0; i < l; i++) {
      pastK[i] = "past_key_values." + i + ".key";
      pastV[i] = "past_key_values." + i + ".value";
      presentK[i] = "present." + i + ".key";
      presentV[i] = "present." + i + ".value";
    }
    int samplingVocab = Math.min(layout.vocabSize(), Math.max(1, tokenizer.vocabSize()));
    this.sampler = new Sampler(samplingVocab);
    this.samplers = ThreadLocal.withInitial(() -> new Sampler(samplingVocab));
    this.kvRowFloats = layout.kvHeads() * layout.headDim();
    int maxEos = -1;
    for (int id : layout.eosTokenIds()) {
      maxEos = Math.max(maxEos, id);
    }
    this.eos = new boolean[maxEos + 1];
    for (int id : layout.eosTokenIds()) {
      if (id >= 0) {
        eos[id] = true;
      }
    }
  }

  /** For tests: the rows x vocabulary work above which rows are sampled in parallel. */
  void parallelSamplingWork(long work) {
    this.parallelSamplingWork = work;
  }

  DecoderLayout layout() {
    return layout;
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
    return new DecodeStats(
        decodeSteps,
        decodeStepNanos,
        decodeRunNanos,
        prefillRuns,
        prefillNanos,
        generatedTokens,
        decodeOutsideCpuNanos,
        decodeRunCpuNanos);
  }

  // ====================================================================== generation

  /** One sample being generated. */
  private final class Row {
    final int request;
    final int sample;
    final int promptLength;
    final int budget;
    final SplittableRandom rnd;
    int[] generated = new int[16];
    int count;
    int pad;
    boolean done;
    long endNanos;
    StopReason reason;
    String text;
    final StringBuilder decoded;
    final Tokenizer.StreamingDecoder decoder;

    Row(
        int request,
        int sample,
        int promptLength,
        int budget,
        SplittableRandom rnd,
        boolean decodeAsWeGo) {
      this.request = request;
      this.sample = sample;
      this.promptLength = promptLength;
      this.budget = budget;
      this.rnd = rnd;
      this.decoded = decodeAsWeGo ? new StringBuilder() : null;
      this.decoder = decodeAsWeGo ? tokenizer.streamingDecoder() : null;
    }

    int last() {
      return generated[count - 1];
    }
  }

  List<GenerationResult> generate(List<int[]> prompts, int[] ns, GenerationConfig cfg)
      throws OrtException {
    long start = System.nanoTime();
    int requests = prompts.size();
    int[] reused = new int[requests];
    long[] prefillTime = new long[requests];
    boolean decodeAsWeGo = !cfg.stopStrings().isEmpty();
    int maxStop = 0;
    for (String s : cfg.stopStrings()) {
      maxStop = Math.max(maxStop, s.length());
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      int[] p = prompts.get(i);
      int budget = Math.min(cfg.maxTokens(), layout.maxPositions() - p.length);
      for (int j = 0; j < ns[i]; j++) {
        rows.add(new Row(i, j, p.length, budget, rowRandom(cfg, p, j), decodeAsWeGo));
      }
    }
    if (cfg.kvCache()) {
      decodeCached(prompts, rows, cfg, reused, prefillTime, maxStop);
    } else {
      decodeUncached(prompts, rows, cfg, maxStop);
    }
    long end = System.nanoTime();
    List<List<Completion>> per = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      per.add(new ArrayList<>());
    }
    for (Row r : rows) {
      List<Integer> toks = new ArrayList<>(r.count);
      for (int t = 0; t < r.count; t++) {
        toks.add(r.generated[t]);
      }
      per.get(r.request).add(new Completion(r.text, toks, r.reason));
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

  private static long rowsEnd(List<Row> rows, int request, long fallback) {
    long e = 0;
    for (Row r : rows) {
      if (r.request == request) {
        e = Math.max(e, r.endNanos == 0 ? fallback : r.endNanos);
      }
    }
    return e == 0 ? fallback : e;
  }

  private SplittableRandom rowRandom(GenerationConfig cfg, int[] prompt, int sample) {
    if (cfg.seed().isEmpty()) {
      return seeder.split();
    }
    long h = cfg.seed().getAsLong() * 0x9E3779B97F4A7C15L + Arrays.hashCode(prompt);
    h = mix(h) + sample * 0xBF58476D1CE4E5B9L;
    return new SplittableRandom(mix(h));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Appends a sampled token to a row and applies EOS, stop strings and the budget. */
  private void accept(Row r, int token, GenerationConfig cfg, int maxStop) {
    generatedTokens++;
    if (r.count == r.generated.length) {
      r.generated = Arrays.copyOf(r.generated, r.count * 2);
    }
    r.generated[r.count++] = token;
    if (token >= 0 && token < eos.length && eos[token]) {
      finish(r, StopReason.END_OF_SEQUENCE, true);
      return;
    }
    if (r.decoded != null) {
      int before = r.decoded.length();
      r.decoded.append(r.decoder.push(token));
      if (r.decoded.length() > before) {
        int from = Math.max(0, before - maxStop + 1);
        int best = -1;
        int bestEnd = -1;
        for (String s : cfg.stopStrings()) {
          int i = r.decoded.indexOf(s, from);
          if (i >= 0 && (best < 0 || i < best)) {
            best = i;
            bestEnd = i + s.length();
          }
        }
        if (best >= 0) {
          r.text = r.decoded.substring(0, bestEnd);
          markDone(r, StopReason.STOP_STRING);
          return;
        }
      }
    }
    if (r.count >= r.budget) {
      finish(r, StopReason.MAX_TOKENS, false);
    }
  }

  private void finish(Row r, StopReason reason, boolean dropLast) {
    if (r.decoded != null) {
      r.text = r.decoded.append(r.decoder.flush()).toString();
    } else {
      int n = dropLast ? r.count - 1 : r.count;
      r.text = tokenizer.decode(Arrays.copyOf(r.generated, n));
    }
    markDone(r, reason);
  }

  private void markDone(Row r, StopReason reason) {
    r.done = true;
    r.reason = reason;
    r.endNanos = System.nanoTime();
  }

  // ====================================================================== cached path

  private void decodeCached(
      List<int[]> prompts,
      List<Row> allRows,
      GenerationConfig cfg,
      int[] reused,
      long[] prefillTime,
      int maxStop)
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
      matches[i] = cfg.prefixReuse() && cache != null ? cache.lookup(p, p.length - 1) : null;
      reused[i] = matches[i] == null ? 0 : matches[i].length();
      lastLogits[i] = new float[layout.vocabSize()];
      (p.length - reused[i] <= prefillChunk ? together : alone).add(i);
    }
    // Groups whose padded size (rows x longest remainder) stays within one prefill chunk, so that
    // the logits buffer is bounded as for a single prompt.
    List<List<Integer>> groups = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int currentMax = 0;
    for (int i : together) {
      int r = prompts.get(i).length - reused[i];
      int m = Math.max(currentMax, r);
      if (!current.isEmpty()
          && ((long) (current.size() + 1) * m > prefillChunk
              || current.size() == MAX_PREFILL_ROWS)) {
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
    for (List<Integer> group : groups) {
      long t0 = System.nanoTime();
      if (group.size() == 1) {
        int i = group.get(0);
        entries[i] = prefill(prompts.get(i), matches[i], lastLogits[i]);
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
        if (cfg.prefixReuse() && cache != null) {
          cache.put(entries[i]);
        }
      }
    }
    for (int i : alone) {
      long t0 = System.nanoTime();
      entries[i] = prefill(prompts.get(i), matches[i], lastLogits[i]);
      if (cfg.prefixReuse() && cache != null) {
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
    // First token of every sample from its prompt's logits.
    FloatBuffer fb;
    List<Row> live = new ArrayList<>();
    for (Row r : allRows) {
      fb = FloatBuffer.wrap(lastLogits[r.request]);
      accept(r, sampler.sample(fb, 0, cfg, r.rnd), cfg, maxStop);
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
    for (Row r : live) {
      len = Math.max(len, r.promptLength);
      maxBudget = Math.max(maxBudget, r.budget);
    }
    // Room for some steps now; grown (keeping the content) when the batch gets there.
    int capacityLen = len + Math.min(maxBudget, 64);
    ensureKv((long) rows * capacityLen * kvRowFloats * Float.BYTES);
    for (int q = 0; q < rows; q++) {
      Row r = live.get(q);
      r.pad = len - r.promptLength;
      KvEntry e = entries[r.request];
      for (int l = 0; l < layout.layers(); l++) {
        placeRow(e.keys[l], e.length, aK[l], q, len, r.pad);
        placeRow(e.values[l], e.length, aV[l], q, len, r.pad);
      }
    }
    // Decode.
    while (!live.isEmpty()) {
      long s0 = System.nanoTime();
      long c0 = cpuNow();
      int alive = 0;
      for (Row r : live) {
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
      growKv(
          (long) rows * total * kvRowFloats * Float.BYTES,
          (long) rows * len * kvRowFloats * Float.BYTES);
      ByteBuffer idb = scratchIds(rows);
      ByteBuffer posb = scratchPositions(rows);
      ByteBuffer mb = scratchMask((long) rows * total);
      if (maskOnes.length < total) {
        maskOnes = new long[Math.max(total, maskOnes.length * 2)];
        Arrays.fill(maskOnes, 1L);
        maskZeros = new long[maskOnes.length];
      }
      java.nio.LongBuffer ml = mb.asLongBuffer();
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        idb.putLong(q * 8, r.last());
        posb.putLong(q * 8, len - r.pad);
        int base = q * total;
        int pad = Math.min(r.pad, total);
        ml.put(base, maskZeros, 0, pad);
        ml.put(base + pad, maskOnes, 0, total - pad);
      }
      long v = layout.vocabSize();
      ByteBuffer lg = scratchLogits(rows * v * Float.BYTES);
      long runNanos = run(rows, 1, len, idb, mb, posb, aK, aV, bK, bV, lg, false);
      swap();
      len = total;
      FloatBuffer lf = lg.asFloatBuffer();
      sampleRows(live, lf, (int) v, cfg, maxStop);
      decodeSteps++;
      decodeRunNanos += runNanos;
      decodeStepNanos += System.nanoTime() - s0;
      if (cpuTiming) {
        // Thread CPU time of the step less that spent inside OrtSession.run itself, so that
        // tensor creation counts as outside, the same split as the wall-clock figures.
        decodeOutsideCpuNanos += (cpuNow() - c0) - lastRunCpuNanos;
        decodeRunCpuNanos += lastRunCpuNanos;
      }
    }
  }

  private long cpuNow() {
    return cpuTiming ? THREADS.getCurrentThreadCpuTime() : 0L;
  }

  /**
   * Computes the KV of a prompt (reusing the longest cached prefix) and the logits after its last
   * token.
   */
  private KvEntry prefill(int[] tokens, PrefixCache.Match m, float[] lastLogitsOut)
      throws OrtException {
    int total = tokens.length;
    int pos = m == null ? 0 : m.length();
    ByteBuffer[] srcK;
    ByteBuffer[] srcV;
    int layers = layout.layers();
    long finalBytes = (long) total * kvRowFloats * Float.BYTES;
    ensureKv(finalBytes);
    if (m == null) {
      srcK = new ByteBuffer[layers];
      srcV = new ByteBuffer[layers];
      Arrays.fill(srcK, EMPTY);
      Arrays.fill(srcV, EMPTY);
    } else if (m.length() == m.entry().length) {
      srcK = m.entry().keys;
      srcV = m.entry().values;
    } else {
      for (int l = 0; l < layers; l++) {
        truncate(m.entry().keys[l], m.entry().length, aK[l], pos);
        truncate(m.entry().values[l], m.entry().length, aV[l], pos);
      }
      srcK = aK;
      srcV = aV;
    }
    ByteBuffer[] outK = new ByteBuffer[layers];
    ByteBuffer[] outV = new ByteBuffer[layers];
    long v = layout.vocabSize();
    while (pos < total) {
      long t0 = System.nanoTime();
      int c = Math.min(prefillChunk, total - pos);
      boolean last = pos + c == total;
      ByteBuffer[] dstK;
      ByteBuffer[] dstV;
      if (last) {
        for (int l = 0; l < layers; l++) {
          outK[l] = ByteBuffer.allocateDirect((int) finalBytes).order(NATIVE);
          outV[l] = ByteBuffer.allocateDirect((int) finalBytes).order(NATIVE);
        }
        dstK = outK;
        dstV = outV;
      } else if (srcK == aK) {
        dstK = bK;
        dstV = bV;
      } else {
        dstK = aK;
        dstV = aV;
      }
      ByteBuffer idb = scratchIds(c);
      ByteBuffer posb = scratchPositions(c);
      ByteBuffer mb = scratchMask(pos + c);
      for (int j = 0; j < c; j++) {
        idb.putLong(j * 8, tokens[pos + j]);
        posb.putLong(j * 8, pos + j);
      }
      for (int j = 0; j < pos + c; j++) {
        mb.putLong(j * 8, 1L);
      }
      ByteBuffer lg = scratchLogits(c * v * Float.BYTES);
      run(1, c, pos, idb, mb, posb, srcK, srcV, dstK, dstV, lg, false);
      if (last) {
        lg.asFloatBuffer().get((int) ((c - 1) * v), lastLogitsOut);
      }
      srcK = dstK;
      srcV = dstV;
      pos += c;
      prefillRuns++;
      prefillNanos += System.nanoTime() - t0;
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
    ensureKv((long) rows * total * kvRowFloats * Float.BYTES);
    ByteBuffer idb = scratchIds((long) rows * seq);
    ByteBuffer posb = scratchPositions((long) rows * seq);
    ByteBuffer mb = scratchMask((long) rows * total);
    int[] ks = new int[rows];
    for (int q = 0; q < rows; q++) {
      int i = group.get(q);
      int[] p = prompts.get(i);
      int k = matches[i] == null ? 0 : matches[i].length();
      ks[q] = k;
      int r = p.length - k;
      if (k > 0) {
        KvEntry e = matches[i].entry();
        for (int l = 0; l < layout.layers(); l++) {
          placeRow(e.keys[l], e.length, k, aK[l], q, past, past - k);
          placeRow(e.values[l], e.length, k, aV[l], q, past, past - k);
        }
      } else if (past > 0) {
        for (int l = 0; l < layout.layers(); l++) {
          placeRow(EMPTY, 0, 0, aK[l], q, past, past);
          placeRow(EMPTY, 0, 0, aV[l], q, past, past);
        }
      }
      for (int j = 0; j < seq; j++) {
        int at = (q * seq + j) * 8;
        int t = j - (seq - r); // index into the remainder, negative in the gap
        idb.putLong(at, t < 0 ? 0 : p[k + t]);
        posb.putLong(at, t < 0 ? 0 : k + t);
      }
      for (int j = 0; j < total; j++) {
        boolean real = j < past ? j >= past - k : j - past >= seq - r;
        mb.putLong((q * total + j) * 8, real ? 1L : 0L);
      }
    }
    long v = layout.vocabSize();
    ByteBuffer lg = scratchLogits(rows * seq * v * Float.BYTES);
    run(rows, seq, past, idb, mb, posb, aK, aV, bK, bV, lg, false);
    FloatBuffer lf = lg.asFloatBuffer();
    int h = layout.kvHeads();
    int rowBytes = layout.headDim() * Float.BYTES;
    for (int q = 0; q < rows; q++) {
      int i = group.get(q);
      int[] p = prompts.get(i);
      int k = ks[q];
      int r = p.length - k;
      lf.get((int) ((q * (long) seq + seq - 1) * v), lastLogits[i]);
      ByteBuffer[] outK = new ByteBuffer[layout.layers()];
      ByteBuffer[] outV = new ByteBuffer[layout.layers()];
      int bytes = p.length * kvRowFloats * Float.BYTES;
      for (int l = 0; l < layout.layers(); l++) {
        outK[l] = ByteBuffer.allocateDirect(bytes).order(NATIVE);
        outV[l] = ByteBuffer.allocateDirect(bytes).order(NATIVE);
        for (int head = 0; head < h; head++) {
          int src = (q * h + head) * total * rowBytes;
          int dst = head * p.length * rowBytes;
          outK[l].put(dst, bK[l], src + (past - k) * rowBytes, k * rowBytes);
          outV[l].put(dst, bV[l], src + (past - k) * rowBytes, k * rowBytes);
          outK[l].put(dst + k * rowBytes, bK[l], src + (total - r) * rowBytes, r * rowBytes);
          outV[l].put(dst + k * rowBytes, bV[l], src + (total - r) * rowBytes, r * rowBytes);
        }
      }
      entries[i] = new KvEntry(p.clone(), p.length, outK, outV);
    }
    prefillRuns++;
    prefillNanos += System.nanoTime() - t0;
  }

  /**
   * Samples the next token of every live row and accepts it. With a large vocabulary and many rows
   * the rows are sampled in parallel (each row has its own generator, so results do not change).
   */
  private void sampleRows(
      List<Row> live, FloatBuffer lf, int v, GenerationConfig cfg, int maxStop) {
    int rows = live.size();
    if ((long) rows * v < parallelSamplingWork || rows < 2) {
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        if (!r.done) {
          accept(r, sampler.sample(lf, q * v, cfg, r.rnd), cfg, maxStop);
        }
      }
      return;
    }
    int[] chosen = new int[rows];
    IntStream.range(0, rows)
        .parallel()
        .forEach(
            q -> {
              Row r = live.get(q);
              if (!r.done) {
                chosen[q] = samplers.get().sample(lf, q * v, cfg, r.rnd);
              }
            });
    for (int q = 0; q < rows; q++) {
      Row r = live.get(q);
      if (!r.done) {
        accept(r, chosen[q], cfg, maxStop);
      }
    }
  }

  // ====================================================================== uncached path

  private void decodeUncached(
      List<int[]> prompts, List<Row> allRows, GenerationConfig cfg, int maxStop)
      throws OrtException {
    List<Row> live = new ArrayList<>(allRows);
    int len = 0;
    for (Row r : live) {
      len = Math.max(len, r.promptLength);
    }
    for (Row r : live) {
      r.pad = len - r.promptLength;
    }
    ByteBuffer[] emptyK = new ByteBuffer[layout.layers()];
    Arrays.fill(emptyK, EMPTY);
    long v = layout.vocabSize();
    boolean first = true;
    while (true) {
      long s0 = System.nanoTime();
      live.removeIf(r -> r.done);
      if (live.isEmpty()) {
        break;
      }
      int minPad = Integer.MAX_VALUE;
      for (Row r : live) {
        minPad = Math.min(minPad, r.pad);
      }
      for (Row r : live) {
        r.pad -= minPad;
      }
      len -= minPad;
      int rows = live.size();
      ByteBuffer idb = scratchIds((long) rows * len);
      ByteBuffer posb = scratchPositions((long) rows * len);
      ByteBuffer mb = scratchMask((long) rows * len);
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        int[] prompt = prompts.get(r.request);
        for (int j = 0; j < len; j++) {
          int at = (q * len + j) * 8;
          int k = j - r.pad;
          long tok = k < 0 ? 0 : k < prompt.length ? prompt[k] : r.generated[k - prompt.length];
          idb.putLong(at, tok);
          mb.putLong(at, k < 0 ? 0 : 1);
          posb.putLong(at, Math.max(k, 0));
        }
      }
      ByteBuffer lg = scratchLogits(rows * len * v * Float.BYTES);
      long runNanos = run(rows, len, 0, idb, mb, posb, emptyK, emptyK, null, null, lg, true);
      FloatBuffer lf = lg.asFloatBuffer();
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        accept(
            r,
            sampler.sample(lf, (int) ((q * (long) len + len - 1) * v), cfg, r.rnd),
            cfg,
            maxStop);
      }
      len++;
      if (first) {
        prefillRuns++;
        prefillNanos += System.nanoTime() - s0;
        first = false;
      } else {
        decodeSteps++;
        decodeRunNanos += runNanos;
        decodeStepNanos += System.nanoTime() - s0;
      }
    }
  }

  // ====================================================================== ONNX Runtime calls

  /**
   * One model run over {@code rows x seq} new tokens after {@code past} cached positions; writes
   * the presents into {@code dstK/dstV} (unless {@code logitsOnly}) and the logits into {@code lg}.
   *
   * @return nanoseconds inside {@code OrtSession.run}
   */
  private long run(
      int rows,
      int seq,
      int past,
      ByteBuffer idb,
      ByteBuffer mb,
      ByteBuffer posb,
      ByteBuffer[] srcK,
      ByteBuffer[] srcV,
      ByteBuffer[] dstK,
      ByteBuffer[] dstV,
      ByteBuffer lg,
      boolean logitsOnly)
      throws OrtException {
    List<Kept> made = keptNow;
    made.clear();
    boolean ok = false;
    inputs.clear();
    pinned.clear();
    try {
      long[] tokShape = {rows, seq};
      inputs.put("input_ids", reused(0, idb, (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      inputs.put(
          "attention_mask",
          made(
              made,
              mb,
              (long) rows * (past + seq) * 8,
              new long[] {rows, past + seq},
              OnnxJavaType.INT64));
      if (layout.hasPositionIds()) {
        inputs.put(
            "position_ids", reused(1, posb, (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      }
      if (useCacheBranch) {
        cacheBranch.put(0, (byte) (past > 0 ? 1 : 0));
        inputs.put(
            "use_cache_branch", reused(2, cacheBranch, 1, new long[] {1}, OnnxJavaType.BOOL));
      }
      long[] pastShape = {rows, layout.kvHeads(), past, layout.headDim()};
      long pastBytes = (long) rows * past * kvRowFloats * Float.BYTES;
      long[] presShape = {rows, layout.kvHeads(), past + seq, layout.headDim()};
      long presBytes = (long) rows * (past + seq) * kvRowFloats * Float.BYTES;
      for (int l = 0; l < layout.layers(); l++) {
        inputs.put(pastK[l], made(made, srcK[l], pastBytes, pastShape, OnnxJavaType.FLOAT));
        inputs.put(pastV[l], made(made, srcV[l], pastBytes, pastShape, OnnxJavaType.FLOAT));
        if (!logitsOnly) {
          pinned.put(presentK[l], made(made, dstK[l], presBytes, presShape, OnnxJavaType.FLOAT));
          pinned.put(presentV[l], made(made, dstV[l], presBytes, presShape, OnnxJavaType.FLOAT));
        }
      }
      pinned.put(
          "logits",
          reused(
              3,
              lg,
              (long) rows * seq * layout.vocabSize() * Float.BYTES,
              new long[] {rows, seq, layout.vocabSize()},
              OnnxJavaType.FLOAT));
      long k0 = cpuNow();
      long t0 = System.nanoTime();
      OrtSession.Result result =
          logitsOnly ? session.run(inputs, Set.of(), pinned) : session.run(inputs, pinned);
      long t1 = System.nanoTime();
      lastRunCpuNanos = cpuNow() - k0;
      result.close();
      ok = true;
      return t1 - t0;
    } finally {
      // Tensors of the previous run not passed again are done with; this run's are kept for the
      // next one (or all closed if this run failed).
      closeAll(keptPrev);
      if (!ok) {
        closeAll(made);
      }
      keptNow = keptPrev;
      keptPrev = made;
    }
  }

  private static void closeAll(List<Kept> kept) {
    for (Kept k : kept) {
      k.tensor().close();
    }
    kept.clear();
  }

  /**
   * A tensor over a scratch buffer kept from step to step while the buffer and shape stay the same
   * (ONNX Runtime reads and writes the buffer's memory, so new contents need no new tensor).
   */
  private OnnxTensor reused(int slot, ByteBuffer buf, long bytes, long[] shape, OnnxJavaType type)
      throws OrtException {
    if (slotBuffers[slot] == buf && Arrays.equals(slotShapes[slot], shape)) {
      return slotTensors[slot];
    }
    if (slotTensors[slot] != null) {
      slotTensors[slot].close();
      slotTensors[slot] = null;
    }
    ByteBuffer view = buf.duplicate();
    view.clear().limit((int) bytes);
    slotTensors[slot] = OnnxTensor.createTensor(env, view.slice().order(NATIVE), shape, type);
    slotBuffers[slot] = buf;
    slotShapes[slot] = shape.clone();
    return slotTensors[slot];
  }

  /** Closes the tensors kept between steps. */
  void close() {
    closeAll(keptPrev);
    closeAll(keptNow);
    for (int i = 0; i < slotTensors.length; i++) {
      if (slotTensors[i] != null) {
        slotTensors[i].close();
        slotTensors[i] = null;
        slotBuffers[i] = null;
        slotShapes[i] = null;
      }
    }
  }

  /**
   * A tensor over the first {@code bytes} of {@code buf}: the previous run's tensor over the same
   * buffer with the same shape when there is one (each passed at most once per run), else a new
   * one. Either way it is kept until the end of the next run.
   */
  private OnnxTensor made(
      List<Kept> made, ByteBuffer buf, long bytes, long[] shape, OnnxJavaType type)
      throws OrtException {
    for (int i = 0; i < keptPrev.size(); i++) {
      Kept k = keptPrev.get(i);
      if (k.buf() == buf && k.type() == type && Arrays.equals(k.shape(), shape)) {
        int last = keptPrev.size() - 1;
        keptPrev.set(i, keptPrev.get(last));
        keptPrev.remove(last);
        made.add(k);
        return k.tensor();
      }
    }
    ByteBuffer view = buf.duplicate();
    view.clear().limit((int) bytes);
    OnnxTensor t = OnnxTensor.createTensor(env, view.slice().order(NATIVE), shape, type);
    made.add(new Kept(buf, shape.clone(), type, t));
    return t;
  }

  // ====================================================================== buffers

  private void ensureKv(long bytesPerLayer) {
    if (bytesPerLayer <= kvCapacityBytes && aK.length == layout.layers()) {
      return;
    }
    if (bytesPerLayer > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "KV cache of " + bytesPerLayer + " bytes per layer is over 2 GiB: use a smaller batch");
    }
    long cap = Math.max(bytesPerLayer, Math.min(Integer.MAX_VALUE, kvCapacityBytes * 3 / 2));
    int l = layout.layers();
    aK = alloc(l, cap);
    aV = alloc(l, cap);
    bK = alloc(l, cap);
    bV = alloc(l, cap);
    kvCapacityBytes = cap;
  }

  /**
   * Makes the KV buffers hold {@code bytesPerLayer}, keeping the first {@code keepBytes} of the
   * current ("a") buffers.
   */
  private void growKv(long bytesPerLayer, long keepBytes) {
    if (bytesPerLayer <= kvCapacityBytes) {
      return;
    }
    ByteBuffer[] oldK = aK;
    ByteBuffer[] oldV = aV;
    kvCapacityBytes = 0;
    aK = new ByteBuffer[0];
    ensureKv(Math.max(bytesPerLayer, Math.min(Integer.MAX_VALUE, (long) (bytesPerLayer * 1.5))));
    for (int l = 0; l < layout.layers(); l++) {
      aK[l].put(0, oldK[l], 0, (int) keepBytes);
      aV[l].put(0, oldV[l], 0, (int) keepBytes);
    }
  }

  private static ByteBuffer[] alloc(int n, long bytes) {
    ByteBuffer[] b = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      b[i] = ByteBuffer.allocateDirect((int) bytes).order(NATIVE);
    }
    return b;
  }

  private void swap() {
    ByteBuffer[] t = aK;
    aK = bK;
    bK = t;
    t = aV;
    aV = bV;
    bV = t;
  }

  private ByteBuffer scratchIds(long n) {
    if (ids.capacity() < n * 8) {
      ids = ByteBuffer.allocateDirect((int) Math.max(n * 8, ids.capacity() * 2L)).order(NATIVE);
    }
    return ids;
  }

  private ByteBuffer scratchPositions(long n) {
    if (positions.capacity() < n * 8) {
      positions =
          ByteBuffer.allocateDirect((int) Math.max(n * 8, positions.capacity() * 2L)).order(NATIVE);
    }
    return positions;
  }

  private ByteBuffer scratchMask(long n) {
    if (mask.capacity() < n * 8) {
      mask = ByteBuffer.allocateDirect((int) Math.max(n * 8, mask.capacity() * 2L)).order(NATIVE);
    }
    return mask;
  }

  private ByteBuffer scratchLogits(long bytes) {
    if (logits.capacity() < bytes) {
      if (bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("logits of " + bytes + " bytes: use a smaller batch");
      }
      logits =
          ByteBuffer.allocateDirect(
                  (int) Math.max(bytes, Math.min(Integer.MAX_VALUE, logits.capacity() * 2L)))
              .order(NATIVE);
    }
    return logits;
  }

  /**
   * Copies a batch-1 entry of {@code srcLen} positions into row q of a [rows, H, len, D] buffer.
   */
  private void placeRow(ByteBuffer src, int srcLen, ByteBuffer dst, int q, int len, int pad) {
    placeRow(src, srcLen, srcLen, dst, q, len, pad);
  }

  /**
   * Copies the first {@code copyLen} positions of a batch-1 entry of {@code srcLen} positions into
   * row q of a [rows, H, len, D] buffer after {@code pad} zeroed positions.
   */
  private void placeRow(
      ByteBuffer src, int srcLen, int copyLen, ByteBuffer dst, int q, int len, int pad) {
    int h = layout.kvHeads();
    int d = layout.headDim();
    int rowBytes = d * Float.BYTES;
    for (int head = 0; head < h; head++) {
      int dstOff = ((q * h + head) * len) * rowBytes;
      for (int i = 0; i < pad * rowBytes; i += 8) {
        dst.putLong(dstOff + i, 0L);
      }
      dst.put(dstOff + pad * rowBytes, src, head * srcLen * rowBytes, copyLen * rowBytes);
    }
  }

  /** Copies the first {@code keep} positions of a batch-1 entry into a [1, H, keep, D] buffer. */
  private void truncate(ByteBuffer src, int srcLen, ByteBuffer dst, int keep) {
    int h = layout.kvHeads();
    int rowBytes = layout.headDim() * Float.BYTES;
    for (int head = 0; head < h; head++) {
      dst.put(head * keep * rowBytes, src, head * srcLen * rowBytes, keep * rowBytes);
    }
  }

  /**
   * Drops finished rows and the padding columns all live rows share, copying the live rows' KV from
   * the current buffers into the spare ones (then swapping).
   *
   * @return the new past length
   */
  private int compact(List<Row> live, int len) {
    List<Row> keep = new ArrayList<>();
    int minPad = Integer.MAX_VALUE;
    List<Integer> from = new ArrayList<>();
    for (int q = 0; q < live.size(); q++) {
      Row r = live.get(q);
      if (!r.done) {
        keep.add(r);
        from.add(q);
        minPad = Math.min(minPad, r.pad);
      }
    }
    int newLen = len - minPad;
    int h = layout.kvHeads();
    int rowBytes = layout.headDim() * Float.BYTES;
    for (int l = 0; l < layout.layers(); l++) {
      for (int nq = 0; nq < keep.size(); nq++) {
        int q = from.get(nq);
        for (int head = 0; head < h; head++) {
          int src = ((q * h + head) * len + minPad) * rowBytes;
          int dst = ((nq * h + head) * newLen) * rowBytes;
          bK[l].put(dst, aK[l], src, newLen * rowBytes);
          bV[l].put(dst, aV[l], src, newLen * rowBytes);
        }
      }
    }
    swap();
    for (Row r : keep) {
      r.pad -= minPad;
    }
    live.clear();
    live.addAll(keep);
    return newLen;
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int x : a) {
      l.add(x);
    }
    return l;
  }
}
