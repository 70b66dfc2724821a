package io.rstar4j.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The keys and values of the batch being computed: per layer two pairs of direct buffers of shape
 * {@code [rows, kvHeads, len, headDim]} float32 in native order, used in ping-pong (a run reads its
 * past from the <em>current</em> pair and writes its present into the <em>spare</em> pair, then the
 * two swap), so that ONNX Runtime writes each step's presents straight into the buffers the next
 * step reads, with no copy through the Java heap and no allocation per token.
 *
 * <p>Rows are moved in and out here: a cached prefix is loaded into a row ({@link #loadRow}), a
 * prefix is rewound to fewer positions ({@link #rewind}), finished rows are dropped and shared
 * padding trimmed ({@link #pickRows}, ONNX Runtime GenAI's {@code PickPastState}), and a prefilled
 * row is copied out into a {@link KvEntry} ({@link #extractRow}). Not thread-safe.
 */
final class KvBuffers {
  static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).order(NATIVE);

  private final int layers;
  private final int kvHeads;
  private final int rowBytes; // one position of one head: headDim floats
  private final int positionFloats; // one position of one row in one layer: heads * headDim

  private ByteBuffer[] curK = new ByteBuffer[0];
  private ByteBuffer[] curV = new ByteBuffer[0];
  private ByteBuffer[] spareK = new ByteBuffer[0];
  private ByteBuffer[] spareV = new ByteBuffer[0];
  private long capacityBytes;

  KvBuffers(DecoderLayout layout) {
    this.layers = layout.layers();
    this.kvHeads = layout.kvHeads();
    this.rowBytes = layout.headDim() * Float.BYTES;
    this.positionFloats = layout.kvHeads() * layout.headDim();
  }

  /** Bytes of one layer's keys (or values) for {@code rows} rows of {@code len} positions. */
  long bytesPerLayer(long rows, long len) {
    return rows * len * positionFloats * Float.BYTES;
  }

  /** An array of {@code layers} empty buffers: the past of a first run. */
  ByteBuffer[] empty() {
    ByteBuffer[] b = new ByteBuffer[layers];
    java.util.Arrays.fill(b, EMPTY);
    return b;
  }

  ByteBuffer[] currentK() {
    return curK;
  }

  ByteBuffer[] currentV() {
    return curV;
  }

  ByteBuffer[] spareK() {
    return spareK;
  }

  ByteBuffer[] spareV() {
    return spareV;
  }

  /** Makes the current and spare pairs the other way round (after a run wrote the spare one). */
  void swap() {
    ByteBuffer[] t = curK;
    curK = spareK;
    spareK = t;
    t = curV;
    curV = spareV;
    spareV = t;
  }

  /**
   * Makes every buffer hold at least {@code bytesPerLayer}, dropping the contents when it has to
   * grow.
   *
   * @throws IllegalArgumentException if a layer would need more than 2 GiB
   */
  void ensure(long bytesPerLayer) {
    if (bytesPerLayer <= capacityBytes && curK.length == layers) {
      return;
    }
    if (bytesPerLayer > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "KV cache of " + bytesPerLayer + " bytes per layer is over 2 GiB: use a smaller batch");
    }
    long cap = Math.max(bytesPerLayer, Math.min(Integer.MAX_VALUE, capacityBytes * 3 / 2));
    curK = alloc(layers, cap);
    curV = alloc(layers, cap);
    spareK = alloc(layers, cap);
    spareV = alloc(layers, cap);
    capacityBytes = cap;
  }

  /**
   * Makes every buffer hold {@code bytesPerLayer}, keeping the first {@code keepBytes} of the
   * current pair.
   */
  void grow(long bytesPerLayer, long keepBytes) {
    if (bytesPerLayer <= capacityBytes) {
      return;
    }
    ByteBuffer[] oldK = curK;
    ByteBuffer[] oldV = curV;
    capacityBytes = 0;
    curK = new ByteBuffer[0];
    ensure(Math.max(bytesPerLayer, Math.min(Integer.MAX_VALUE, (long) (bytesPerLayer * 1.5))));
    for (int l = 0; l < layers; l++) {
      curK[l].put(0, oldK[l], 0, (int) keepBytes);
      curV[l].put(0, oldV[l], 0, (int) keepBytes);
    }
  }

  /**
   * Loads the first {@code copyLen} positions of a batch-1 entry into row {@code row} of the
   * current {@code [rows, H, len, D]} pair, after {@code pad} zeroed positions; a null entry only
   * zeroes the padding.
   */
  void loadRow(KvEntry e, int copyLen, int row, int len, int pad) {
    for (int l = 0; l < layers; l++) {
      if (e == null) {
        placeRow(EMPTY, 0, 0, curK[l], row, len, pad);
        placeRow(EMPTY, 0, 0, curV[l], row, len, pad);
      } else {
        placeRow(e.keys[l], e.length, copyLen, curK[l], row, len, pad);
        placeRow(e.values[l], e.length, copyLen, curV[l], row, len, pad);
      }
    }
  }

  private void placeRow(
      ByteBuffer src, int srcLen, int copyLen, ByteBuffer dst, int q, int len, int pad) {
    for (int head = 0; head < kvHeads; head++) {
      int dstOff = ((q * kvHeads + head) * len) * rowBytes;
      for (int i = 0; i < pad * rowBytes; i += 8) {
        dst.putLong(dstOff + i, 0L);
      }
      dst.put(dstOff + pad * rowBytes, src, head * srcLen * rowBytes, copyLen * rowBytes);
    }
  }

  /**
   * Rewinds a batch-1 entry to its first {@code keep} positions, into the current pair as a {@code
   * [1, H, keep, D]} batch (ONNX Runtime GenAI's {@code RewindTo}).
   */
  void rewind(KvEntry e, int keep) {
    for (int l = 0; l < layers; l++) {
      truncate(e.keys[l], e.length, curK[l], keep);
      truncate(e.values[l], e.length, curV[l], keep);
    }
  }

  private void truncate(ByteBuffer src, int srcLen, ByteBuffer dst, int keep) {
    for (int head = 0; head < kvHeads; head++) {
      dst.put(head * keep * rowBytes, src, head * srcLen * rowBytes, keep * rowBytes);
    }
  }

  /**
   * Keeps rows {@code from[0], from[1], ...} of the current {@code [rows, H, len, D]} pair as rows
   * 0, 1, ..., without their first {@code drop} positions, then swaps: the current pair becomes a
   * {@code [from.length, H, len - drop, D]} batch.
   */
  void pickRows(int[] from, int len, int drop) {
    int newLen = len - drop;
    for (int l = 0; l < layers; l++) {
      for (int nq = 0; nq < from.length; nq++) {
        int q = from[nq];
        for (int head = 0; head < kvHeads; head++) {
          int src = ((q * kvHeads + head) * len + drop) * rowBytes;
          int dst = ((nq * kvHeads + head) * newLen) * rowBytes;
          spareK[l].put(dst, curK[l], src, newLen * rowBytes);
          spareV[l].put(dst, curV[l], src, newLen * rowBytes);
        }
      }
    }
    swap();
  }

  /**
   * Copies row {@code row} of the spare {@code [rows, H, total, D]} pair (where a run just wrote
   * its presents) into a new entry for {@code tokens}: positions {@code [pastFrom, pastFrom +
   * pastLen)} then {@code [newFrom, newFrom + newLen)}, leaving out the gaps between them.
   */
  KvEntry extractRow(
      int row, int total, int pastFrom, int pastLen, int newFrom, int newLen, int[] tokens) {
    int length = pastLen + newLen;
    ByteBuffer[] outK = new ByteBuffer[layers];
    ByteBuffer[] outV = new ByteBuffer[layers];
    int bytes = length * positionFloats * Float.BYTES;
    for (int l = 0; l < layers; l++) {
      outK[l] = ByteBuffer.allocateDirect(bytes).order(NATIVE);
      outV[l] = ByteBuffer.allocateDirect(bytes).order(NATIVE);
      for (int head = 0; head < kvHeads; head++) {
        int src = (row * kvHeads + head) * total * rowBytes;
        int dst = head * length * rowBytes;
        outK[l].put(dst, spareK[l], src + pastFrom * rowBytes, pastLen * rowBytes);
        outV[l].put(dst, spareV[l], src + pastFrom * rowBytes, pastLen * rowBytes);
        outK[l].put(
            dst + pastLen * rowBytes, spareK[l], src + newFrom * rowBytes, newLen * rowBytes);
        outV[l].put(
            dst + pastLen * rowBytes, spareV[l], src + newFrom * rowBytes, newLen * rowBytes);
      }
    }
    return new KvEntry(tokens, length, outK, outV);
  }

  /** Fresh per-layer buffers for a batch-1 entry of {@code length} positions. */
  ByteBuffer[] entryBuffers(int length) {
    return alloc(layers, bytesPerLayer(1, length));
  }

  private static ByteBuffer[] alloc(int n, long bytes) {
    ByteBuffer[] b = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      b[i] = ByteBuffer.allocateDirect((int) bytes).order(NATIVE);
    }
    return b;
  }
}
