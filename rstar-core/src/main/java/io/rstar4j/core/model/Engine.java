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
  private final SplittableRandom seeder = new SplittableRandom();
  private final int kvRowFloats; // floats of one token of one row in one layer's K (heads*dim)

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

  // Statistics.
  private long decodeSteps;
  private long decodeStepNanos;
  private long decodeRunNanos;
  private long prefillRuns;
  private long prefillNanos;
  private long generatedTokens;

  Engine(OrtEnvironment env, OrtSession session, DecoderLayout layout, Tokenizer tokenizer,
      long prefixCacheBytes, int prefillChunk, boolean useCacheBranch) {
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
    this.sampler = new Sampler(Math.min(layout.vocabSize(), Math.max(1, tokenizer.vocabSize())));
    this.kvRowFloats = layout.kvHeads() * layout.headDim();
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
    return new DecodeStats(decodeSteps, decodeStepNanos, decodeRunNanos, prefillRuns, prefillNanos,
        generatedTokens);
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

    Row(int request, int sample, int promptLength, int budget, SplittableRandom rnd,
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
      out.add(new GenerationResult(per.get(i), prompts.get(i).length, reused[i], prefillTime[i],
          done - start));
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
    if (layout.eosTokenIds().contains(token)) {
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

  private void decodeCached(List<int[]> prompts, List<Row> allRows, GenerationConfig cfg,
      int[] reused, long[] prefillTime, int maxStop) throws OrtException {
    int requests = prompts.size();
    KvEntry[] entries = new KvEntry[requests];
    float[][] lastLogits = new float[requests][];
    Map<List<Integer>, Integer> seen = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      int[] p = prompts.get(i);
      List<Integer> key = boxed(p);
      Integer same = seen.get(key);
      if (same != null) {
        entries[i] = entries[same];
        lastLogits[i] = lastLogits[same];
        reused[i] = reused[same];
        continue;
      }
      seen.put(key, i);
      long t0 = System.nanoTime();
      lastLogits[i] = new float[layout.vocabSize()];
      int[] reusedOut = new int[1];
      entries[i] = prefill(p, cfg.prefixReuse(), lastLogits[i], reusedOut);
      reused[i] = reusedOut[0];
      prefillTime[i] = System.nanoTime() - t0;
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
    int capacityLen = len + maxBudget;
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
      ByteBuffer idb = scratchIds(rows);
      ByteBuffer posb = scratchPositions(rows);
      ByteBuffer mb = scratchMask((long) rows * total);
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        idb.putLong(q * 8, r.last());
        posb.putLong(q * 8, len - r.pad);
        int base = q * total * 8;
        for (int j = 0; j < total; j++) {
          mb.putLong(base + j * 8, j < r.pad ? 0L : 1L);
        }
      }
      long v = layout.vocabSize();
      ByteBuffer lg = scratchLogits(rows * v * Float.BYTES);
      long runNanos = run(rows, 1, len, idb, mb, posb, aK, aV, bK, bV, lg, false);
      swap();
      len = total;
      FloatBuffer lf = lg.asFloatBuffer();
      for (int q = 0; q < rows; q++) {
        Row r = live.get(q);
        if (!r.done) {
          accept(r, sampler.sample(lf, (int) (q * v), cfg, r.rnd), cfg, maxStop);
        }
      }
      decodeSteps++;
      decodeRunNanos += runNanos;
      decodeStepNanos += System.nanoTime() - s0;
    }
  }

  /**
   * Computes the KV of a prompt (reusing the longest cached prefix) and the logits after its last
   * token.
   */
  private KvEntry prefill(int[] tokens, boolean reuse, float[] lastLogitsOut, int[] reusedOut)
      throws OrtException {
    int total = tokens.length;
    PrefixCache.Match m = reuse && cache != null ? cache.lookup(tokens, total - 1) : null;
    int pos = m == null ? 0 : m.length();
    reusedOut[0] = pos;
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
    KvEntry e = new KvEntry(tokens.clone(), total, outK, outV);
    if (reuse && cache != null) {
      cache.put(e);
    }
    return e;
  }

  // ====================================================================== uncached path

  private void decodeUncached(List<int[]> prompts, List<Row> allRows, GenerationConfig cfg,
      int maxStop) throws OrtException {
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
        accept(r, sampler.sample(lf, (int) ((q * (long) len + len - 1) * v), cfg, r.rnd), cfg,
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
  private long run(int rows, int seq, int past, ByteBuffer idb, ByteBuffer mb, ByteBuffer posb,
      ByteBuffer[] srcK, ByteBuffer[] srcV, ByteBuffer[] dstK, ByteBuffer[] dstV, ByteBuffer lg,
      boolean logitsOnly) throws OrtException {
    List<OnnxTensor> made = new ArrayList<>(4 * layout.layers() + 6);
    inputs.clear();
    pinned.clear();
    try {
      long[] tokShape = {rows, seq};
      inputs.put("input_ids", made(made, idb, (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      inputs.put("attention_mask", made(made, mb, (long) rows * (past + seq) * 8,
          new long[] {rows, past + seq}, OnnxJavaType.INT64));
      if (layout.hasPositionIds()) {
        inputs.put("position_ids",
            made(made, posb, (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      }
      if (useCacheBranch) {
        cacheBranch.put(0, (byte) (past > 0 ? 1 : 0));
        inputs.put("use_cache_branch",
            made(made, cacheBranch, 1, new long[] {1}, OnnxJavaType.BOOL));
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
      pinned.put("logits", made(made, lg, (long) rows * seq * layout.vocabSize() * Float.BYTES,
          new long[] {rows, seq, layout.vocabSize()}, OnnxJavaType.FLOAT));
      long t0 = System.nanoTime();
      OrtSession.Result result = logitsOnly
          ? session.run(inputs, Set.of(), pinned)
          : session.run(inputs, pinned);
      long t1 = System.nanoTime();
      result.close();
      return t1 - t0;
    } finally {
      for (OnnxTensor t : made) {
        t.close();
      }
    }
  }

  private OnnxTensor made(List<OnnxTensor> made, ByteBuffer buf, long bytes, long[] shape,
      OnnxJavaType type) throws OrtException {
    ByteBuffer view = buf.duplicate();
    view.clear().limit((int) bytes);
    OnnxTensor t = OnnxTensor.createTensor(env, view.slice().order(NATIVE), shape, type);
    made.add(t);
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
      logits = ByteBuffer.allocateDirect((int) Math.max(bytes, Math.min(Integer.MAX_VALUE,
          logits.capacity() * 2L))).order(NATIVE);
    }
    return logits;
  }

  /** Copies a batch-1 entry of {@code srcLen} positions into row q of a [rows, H, len, D] buffer. */
  private void placeRow(ByteBuffer src, int srcLen, ByteBuffer dst, int q, int len, int pad) {
    int h = layout.kvHeads();
    int d = layout.headDim();
    int rowBytes = d * Float.BYTES;
    for (int head = 0; head < h; head++) {
      int dstOff = ((q * h + head) * len) * rowBytes;
      for (int i = 0; i < pad * rowBytes; i += 8) {
        dst.putLong(dstOff + i, 0L);
      }
      dst.put(dstOff + pad * rowBytes, src, head * srcLen * rowBytes, srcLen * rowBytes);
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
   * Drops finished rows and the padding columns all live rows share, copying the live rows' KV
   * from the current buffers into the spare ones (then swapping).
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
