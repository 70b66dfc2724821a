package io.rstar4j.core.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the decoder's ONNX Runtime session: binds the inputs (token inputs, past keys and values)
 * and pins the outputs (presents, logits) to caller-owned direct buffers, and keeps the tensors
 * over those buffers from run to run. A step's {@code present} tensors have the buffers and shapes
 * of the next step's {@code past}, so they are passed again instead of being recreated, and the
 * token-input and logits tensors stay while their buffer and shape do. Not thread-safe.
 */
final class SessionRunner implements AutoCloseable {
  private static final int IDS = 0;
  private static final int POSITIONS = 1;
  private static final int CACHE_BRANCH = 2;
  private static final int LOGITS = 3;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final DecoderLayout layout;
  private final boolean useCacheBranch;
  private final DecodeCounters clock;
  private final String[] pastK;
  private final String[] pastV;
  private final String[] presentK;
  private final String[] presentV;
  private final long positionBytes; // one position of one row in one layer

  private ByteBuffer logits = KvBuffers.EMPTY;
  private final ByteBuffer cacheBranch = ByteBuffer.allocateDirect(1).order(KvBuffers.NATIVE);
  private final Map<String, OnnxTensor> inputs = new HashMap<>();
  private final Map<String, OnnxTensor> pinned = new HashMap<>();
  private final ByteBuffer[] slotBuffers = new ByteBuffer[4];
  private final long[][] slotShapes = new long[4][];
  private final OnnxTensor[] slotTensors = new OnnxTensor[4];

  /** Tensors of the previous run, kept open for the next one. */
  private List<Kept> keptPrev = new ArrayList<>();

  private List<Kept> keptNow = new ArrayList<>();
  private long lastRunCpuNanos;

  /** A tensor over (a view of) a buffer with its shape. */
  private record Kept(ByteBuffer buf, long[] shape, OnnxJavaType type, OnnxTensor tensor) {}

  /**
   * @param clock where the generating thread's CPU time is read (when it measures it)
   */
  SessionRunner(
      OrtEnvironment env,
      OrtSession session,
      DecoderLayout layout,
      boolean useCacheBranch,
      DecodeCounters clock) {
    this.env = env;
    this.session = session;
    this.layout = layout;
    this.useCacheBranch = useCacheBranch;
    this.clock = clock;
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
    this.positionBytes = (long) layout.kvHeads() * layout.headDim() * Float.BYTES;
  }

  /**
   * The logits scratch buffer, at least {@code bytes} long.
   *
   * @throws IllegalArgumentException if over 2 GiB
   */
  ByteBuffer logits(long bytes) {
    if (logits.capacity() < bytes) {
      if (bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("logits of " + bytes + " bytes: use a smaller batch");
      }
      logits =
          ByteBuffer.allocateDirect(
                  (int) Math.max(bytes, Math.min(Integer.MAX_VALUE, logits.capacity() * 2L)))
              .order(KvBuffers.NATIVE);
    }
    return logits;
  }

  /** CPU time of the generating thread inside the last {@code OrtSession.run} (0 unless timed). */
  long lastRunCpuNanos() {
    return lastRunCpuNanos;
  }

  /**
   * One model run over {@code rows x seq} new tokens after {@code past} cached positions; writes
   * the presents into {@code dstK/dstV} (unless {@code logitsOnly}, when they may be null) and the
   * logits into {@code lg}.
   *
   * @return nanoseconds inside {@code OrtSession.run}
   */
  long run(
      int rows,
      int seq,
      int past,
      DecoderInputs in,
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
      inputs.put(
          "input_ids", reused(IDS, in.ids(), (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      inputs.put(
          "attention_mask",
          made(
              made,
              in.mask(),
              (long) rows * (past + seq) * 8,
              new long[] {rows, past + seq},
              OnnxJavaType.INT64));
      if (layout.hasPositionIds()) {
        inputs.put(
            "position_ids",
            reused(POSITIONS, in.positions(), (long) rows * seq * 8, tokShape, OnnxJavaType.INT64));
      }
      if (useCacheBranch) {
        cacheBranch.put(0, (byte) (past > 0 ? 1 : 0));
        inputs.put(
            "use_cache_branch",
            reused(CACHE_BRANCH, cacheBranch, 1, new long[] {1}, OnnxJavaType.BOOL));
      }
      long[] pastShape = {rows, layout.kvHeads(), past, layout.headDim()};
      long pastBytes = (long) rows * past * positionBytes;
      long[] presShape = {rows, layout.kvHeads(), past + seq, layout.headDim()};
      long presBytes = (long) rows * (past + seq) * positionBytes;
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
              LOGITS,
              lg,
              (long) rows * seq * layout.vocabSize() * Float.BYTES,
              new long[] {rows, seq, layout.vocabSize()},
              OnnxJavaType.FLOAT));
      long k0 = clock.cpuNow();
      long t0 = System.nanoTime();
      OrtSession.Result result =
          logitsOnly ? session.run(inputs, Set.of(), pinned) : session.run(inputs, pinned);
      long t1 = System.nanoTime();
      lastRunCpuNanos = clock.cpuNow() - k0;
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
    slotTensors[slot] =
        OnnxTensor.createTensor(env, view.slice().order(KvBuffers.NATIVE), shape, type);
    slotBuffers[slot] = buf;
    slotShapes[slot] = shape.clone();
    return slotTensors[slot];
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
    OnnxTensor t = OnnxTensor.createTensor(env, view.slice().order(KvBuffers.NATIVE), shape, type);
    made.add(new Kept(buf, shape.clone(), type, t));
    return t;
  }

  /** Closes the tensors kept between runs (not the session, which the model owns). */
  @Override
  public void close() {
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
}
