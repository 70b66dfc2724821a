package io.rstar4j.core.tokenizer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE: a word's UTF-8 bytes become byte tokens, then the ranked merges apply, lowest
 * rank first and leftmost first among equal ranks (the order of Hugging Face's priority queue).
 * Words up to {@link #CACHE_MAX_CHARS} chars are cached. Thread-safe.
 */
final class BpeModel {
  static final int CACHE_MAX_CHARS = 64;
  static final int CACHE_MAX_ENTRIES = 100_000;

  /** Words up to this many bytes use the quadratic scan, longer ones a heap. */
  private static final int LINEAR_MAX_BYTES = 64;

  private final int[] byteToId;
  private final MergeMap merges;
  private final Map<String, Integer> vocab;
  private final boolean ignoreMerges;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
  private final boolean useCache;

  BpeModel(
      int[] byteToId,
      MergeMap merges,
      Map<String, Integer> vocab,
      boolean ignoreMerges,
      boolean useCache) {
    this.byteToId = byteToId;
    this.merges = merges;
    this.vocab = vocab;
    this.ignoreMerges = ignoreMerges;
    this.useCache = useCache;
  }

  /** Encodes the word {@code s[start, end)}, appending its ids. */
  void encodeWord(String s, int start, int end, IntList out) {
    int len = end - start;
    if (len == 0) {
      return;
    }
    if (len == 1 && s.charAt(start) < 0x80) {
      out.add(byteToId[s.charAt(start)]);
      return;
    }
    String key = null;
    if (useCache && len <= CACHE_MAX_CHARS) {
      key = start == 0 && end == s.length() ? s : s.substring(start, end);
      int[] hit = cache.get(key);
      if (hit != null) {
        out.addAll(hit);
        return;
      }
    }
    byte[] bytes = new byte[len * 3];
    int n = Utf8.encode(s, start, end, bytes);
    int[] ids = bpe(bytes, n);
    if (key != null && cache.size() < CACHE_MAX_ENTRIES) {
      cache.put(key, ids);
    }
    out.addAll(ids);
  }

  /** The ids of one word's bytes. */
  int[] bpe(byte[] bytes, int n) {
    if (ignoreMerges) {
      char[] cs = new char[n];
      for (int i = 0; i < n; i++) {
        cs[i] = ByteLevel.BYTE_TO_CHAR[bytes[i] & 0xFF];
      }
      Integer whole = vocab.get(new String(cs));
      if (whole != null) {
        return new int[] {whole};
      }
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = byteToId[bytes[i] & 0xFF];
    }
    if (n == 1) {
      return ids;
    }
    return n <= LINEAR_MAX_BYTES ? mergeLinear(ids) : mergeHeap(ids);
  }

  /** Repeatedly merges the lowest-ranked (then leftmost) pair; O(n^2), fast for short words. */
  int[] mergeLinear(int[] ids) {
    int len = ids.length;
    long[] pair = new long[len]; // pair[p]: merge of (ids[p], ids[p+1]), -1 when none
    for (int p = 0; p + 1 < len; p++) {
      pair[p] = merges.get(ids[p], ids[p + 1]);
    }
    while (len > 1) {
      int best = -1;
      long bestRank = Long.MAX_VALUE;
      for (int p = 0; p + 1 < len; p++) {
        long m = pair[p];
        if (m >= 0 && (m >>> 32) < bestRank) {
          bestRank = m >>> 32;
          best = p;
        }
      }
      if (best < 0) {
        break;
      }
      ids[best] = (int) pair[best];
      int tail = len - best - 2;
      if (tail > 0) {
        System.arraycopy(ids, best + 2, ids, best + 1, tail);
        System.arraycopy(pair, best + 2, pair, best + 1, tail);
      }
      len--;
      if (best + 1 < len) {
        pair[best] = merges.get(ids[best], ids[best + 1]);
      } else {
        pair[best] = -1;
      }
      if (best > 0) {
        pair[best - 1] = merges.get(ids[best - 1], ids[best]);
      }
    }
    return len == ids.length ? ids : java.util.Arrays.copyOf(ids, len);
  }

  /** The same merges with a priority queue and a linked list: O(n log n) for long words. */
  int[] mergeHeap(int[] ids) {
    int n = ids.length;
    int[] next = new int[n];
    int[] prev = new int[n];
    boolean[] dead = new boolean[n];
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    LongHeap heap = new LongHeap(n);
    for (int p = 0; p + 1 < n; p++) {
      long m = merges.get(ids[p], ids[p + 1]);
      if (m >= 0) {
        heap.push((m & 0xFFFFFFFF00000000L) | p);
      }
    }
    int alive = n;
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int pos = (int) top;
      long rank = top >>> 32;
      if (dead[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      long m = merges.get(ids[pos], ids[right]);
      if (m < 0 || (m >>> 32) != rank) {
        continue; // stale: this pair changed since it was queued
      }
      ids[pos] = (int) m;
      dead[right] = true;
      alive--;
      int after = next[right];
      next[pos] = after;
      if (after >= 0) {
        prev[after] = pos;
        long m2 = merges.get(ids[pos], ids[after]);
        if (m2 >= 0) {
          heap.push((m2 & 0xFFFFFFFF00000000L) | pos);
        }
      }
      int before = prev[pos];
      if (before >= 0) {
        long m0 = merges.get(ids[before], ids[pos]);
        if (m0 >= 0) {
          heap.push((m0 & 0xFFFFFFFF00000000L) | before);
        }
      }
    }
    int[] out = new int[alive];
    int k = 0;
    for (int i = 0; i >= 0; i = next[i]) {
      out[k++] = ids[i];
    }
    return out;
  }

  /** A binary min-heap of longs. */
  static final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int capacity) {
      a = new long[Math.max(4, capacity)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long v) {
      if (size == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (a[parent] <= v) {
          break;
        }
        a[i] = a[parent];
        i = parent;
      }
      a[i] = v;
    }

    long pop() {
      long top = a[0];
      long v = a[--size];
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int c = 2 * i + 1;
        if (c + 1 < size && a[c + 1] < a[c]) {
          c++;
        }
        if (a[c] >= v) {
          break;
        }
        a[i] = a[c];
        i = c;
      }
      a[i] = v;
      return top;
    }
  }
}
