package io.rstar4j.core.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from a pair of token ids to (rank, merged id), on primitive arrays.
 * Written once at load time, then read concurrently.
 */
final class MergeMap {
  private static final long EMPTY = -1L;
  private final long[] keys;
  private final long[] values;
  private final int mask;
  private int size;

  MergeMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** Sets the merge of {@code (left, right)}; a later put of the same pair replaces the earlier. */
  void put(int left, int right, int rank, int merged) {
    long k = key(left, right);
    int i = slot(k);
    while (keys[i] != EMPTY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      if (++size * 2 > keys.length) {
        throw new IllegalStateException("merge map over capacity");
      }
    }
    keys[i] = k;
    values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
  }

  /** {@code rank << 32 | mergedId}, or -1 when the pair does not merge. */
  long get(int left, int right) {
    long k = key(left, right);
    int i = slot(k);
    while (true) {
      long kk = keys[i];
      if (kk == k) {
        return values[i];
      }
      if (kk == EMPTY) {
        return -1L;
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }
}
