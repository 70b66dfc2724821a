package io.rstar4j.core.model;

import java.nio.ByteBuffer;

/**
 * The keys and values of one token sequence (batch 1): per layer a direct buffer of shape {@code
 * [1, kvHeads, length, headDim]} float32 in native order.
 */
final class KvEntry {
  final int[] tokens;
  final int length;
  final ByteBuffer[] keys;
  final ByteBuffer[] values;

  KvEntry(int[] tokens, int length, ByteBuffer[] keys, ByteBuffer[] values) {
    this.tokens = tokens;
    this.length = length;
    this.keys = keys;
    this.values = values;
  }

  long bytes() {
    long b = 0;
    for (int i = 0; i < keys.length; i++) {
      b += keys[i].capacity() + values[i].capacity();
    }
    return b;
  }
}
