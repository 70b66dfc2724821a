package io.rstar4j.core.model;

import java.nio.ByteBuffer;

/**
 * The prefix cache and its linear oracle behind one small face, for the prefix-cache benchmark in
 * the {@code benchmarks} module (test code, not API). Entries stored through it hold no keys or
 * values (zero bytes), so any number of them fits the budget and only the index is measured.
 */
public final class PrefixCaches {
  private static final ByteBuffer[] NO_KV = {ByteBuffer.allocate(0)};

  private PrefixCaches() {}

  /** Stores token sequences and answers longest-prefix lookups. */
  public interface Index {
    /** Stores a token sequence (not copied). */
    void put(int[] tokens);

    /** The longest prefix of {@code query} (at most {@code maxLength} tokens) stored; 0 if none. */
    int lookup(int[] query, int maxLength);

    /** Sequences held. */
    int entries();
  }

  /** The token trie the runtime uses. */
  public static Index trie() {
    PrefixCache c = new PrefixCache(Long.MAX_VALUE);
    return new Index() {
      @Override
      public void put(int[] tokens) {
        c.put(entry(tokens));
      }

      @Override
      public int lookup(int[] query, int maxLength) {
        PrefixCache.Match m = c.lookup(query, maxLength);
        return m == null ? 0 : m.length();
      }

      @Override
      public int entries() {
        return c.stats().entries();
      }
    };
  }

  /**
   * The linear cache it replaced. {@code put} here skips the old scan for stored prefixes of the
   * new sequence (quadratic when filling 100,000 entries), so the caller must store no sequence
   * that is a prefix of another.
   */
  public static Index linear() {
    LinearPrefixCache c = new LinearPrefixCache(Long.MAX_VALUE);
    return new Index() {
      @Override
      public void put(int[] tokens) {
        c.putWithoutPrefixScan(entry(tokens));
      }

      @Override
      public int lookup(int[] query, int maxLength) {
        PrefixCache.Match m = c.lookup(query, maxLength);
        return m == null ? 0 : m.length();
      }

      @Override
      public int entries() {
        return c.stats().entries();
      }
    };
  }

  private static KvEntry entry(int[] tokens) {
    return new KvEntry(tokens, tokens.length, NO_KV, NO_KV);
  }
}
