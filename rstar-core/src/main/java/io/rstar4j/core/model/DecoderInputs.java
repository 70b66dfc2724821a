package io.rstar4j.core.model;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder's token inputs, {@code input_ids}, {@code attention_mask} and {@code position_ids}
 * (int64), in direct scratch buffers grown on demand and reused across runs (ONNX Runtime GenAI's
 * input-ids and position-inputs managers). Each filler lays out one kind of run: a prompt chunk, a
 * batch of prompt remainders with gaps, or one decode step of a left-padded batch. Not thread-safe.
 */
final class DecoderInputs {
  private ByteBuffer ids = KvBuffers.EMPTY;
  private ByteBuffer mask = KvBuffers.EMPTY;
  private ByteBuffer positions = KvBuffers.EMPTY;
  private long[] maskOnes = new long[0];
  private long[] maskZeros = new long[0];

  ByteBuffer ids() {
    return ids;
  }

  ByteBuffer mask() {
    return mask;
  }

  ByteBuffer positions() {
    return positions;
  }

  /** Makes room for {@code tokens} ids and positions and a mask of {@code maskLength}. */
  void reserve(long tokens, long maskLength) {
    ids = grown(ids, tokens);
    positions = grown(positions, tokens);
    mask = grown(mask, maskLength);
  }

  private static ByteBuffer grown(ByteBuffer b, long n) {
    if (b.capacity() < n * 8) {
      return ByteBuffer.allocateDirect((int) Math.max(n * 8, b.capacity() * 2L))
          .order(KvBuffers.NATIVE);
    }
    return b;
  }

  /**
   * One prompt chunk of batch 1: tokens {@code [pos, pos + c)} of {@code tokens} after {@code pos}
   * cached positions, all attended.
   */
  void promptChunk(int[] tokens, int pos, int c) {
    reserve(c, pos + c);
    for (int j = 0; j < c; j++) {
      ids.putLong(j * 8, tokens[pos + j]);
      positions.putLong(j * 8, pos + j);
    }
    for (int j = 0; j < pos + c; j++) {
      mask.putLong(j * 8, 1L);
    }
  }

  /**
   * Row {@code q} of a batch prefill of {@code rows x seq} new tokens after {@code past} positions:
   * its {@code cached} prefix right-aligned in the past, its remaining tokens right-aligned in the
   * new chunk, the gaps masked out. Call {@link #reserve} first.
   */
  void promptRow(int q, int[] prompt, int cached, int past, int seq) {
    int total = past + seq;
    int r = prompt.length - cached;
    for (int j = 0; j < seq; j++) {
      int at = (q * seq + j) * 8;
      int t = j - (seq - r); // index into the remainder, negative in the gap
      ids.putLong(at, t < 0 ? 0 : prompt[cached + t]);
      positions.putLong(at, t < 0 ? 0 : cached + t);
    }
    for (int j = 0; j < total; j++) {
      boolean real = j < past ? j >= past - cached : j - past >= seq - r;
      mask.putLong((q * total + j) * 8, real ? 1L : 0L);
    }
  }

  /**
   * One decode step of a left-padded batch over {@code len} cached positions: each row's last token
   * at its own position, its padding masked out.
   */
  void decodeStep(List<Sequence> rows, int len) {
    int n = rows.size();
    int total = len + 1;
    reserve(n, (long) n * total);
    if (maskOnes.length < total) {
      maskOnes = new long[Math.max(total, maskOnes.length * 2)];
      Arrays.fill(maskOnes, 1L);
      maskZeros = new long[maskOnes.length];
    }
    LongBuffer ml = mask.asLongBuffer();
    for (int q = 0; q < n; q++) {
      Sequence r = rows.get(q);
      ids.putLong(q * 8, r.last());
      positions.putLong(q * 8, len - r.pad);
      int base = q * total;
      int pad = Math.min(r.pad, total);
      ml.put(base, maskZeros, 0, pad);
      ml.put(base + pad, maskOnes, 0, total - pad);
    }
  }
}
