package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The token trie against the linear longest-common-prefix cache it replaced: over random sequences
 * of stores and lookups (shared prefixes, stored prefixes of stored entries, repeats, evictions
 * under tight budgets), every lookup returns the same entry and length, and every counter agrees.
 */
class PrefixCacheOracleTest {
  /** Bytes per token of the entries made here (one layer, 8 bytes of keys and of values). */
  static final int TOKEN_BYTES = 16;

  static KvEntry entry(int[] tokens) {
    ByteBuffer[] k = {ByteBuffer.allocateDirect(tokens.length * 8)};
    ByteBuffer[] v = {ByteBuffer.allocateDirect(tokens.length * 8)};
    return new KvEntry(tokens, tokens.length, k, v);
  }

  /** A token sequence: fresh, or grown from, cut from or forked off one seen before. */
  static int[] sequence(SplittableRandom r, List<int[]> seen, int alphabet, int maxLen) {
    if (seen.isEmpty() || r.nextInt(3) == 0) {
      int[] t = new int[1 + r.nextInt(maxLen)];
      for (int i = 0; i < t.length; i++) {
        t[i] = r.nextInt(alphabet);
      }
      return t;
    }
    int[] base = seen.get(r.nextInt(seen.size()));
    switch (r.nextInt(4)) {
      case 0: // a strict prefix
        return Arrays.copyOf(base, 1 + r.nextInt(base.length));
      case 1: // an extension
        {
          int[] t = Arrays.copyOf(base, base.length + 1 + r.nextInt(4));
          for (int i = base.length; i < t.length; i++) {
            t[i] = r.nextInt(alphabet);
          }
          return t;
        }
      case 2: // a fork: shared head, different tail
        {
          int keep = r.nextInt(base.length);
          int[] t = Arrays.copyOf(base, keep + 1 + r.nextInt(4));
          for (int i = keep; i < t.length; i++) {
            t[i] = r.nextInt(alphabet);
          }
          return t;
        }
      default: // the same again
        return base.clone();
    }
  }

  static PrefixCacheStats run(
      long seed, int steps, int alphabet, int maxLen, long budget, boolean clears) {
    SplittableRandom r = new SplittableRandom(seed);
    PrefixCache trie = new PrefixCache(budget);
    LinearPrefixCache oracle = new LinearPrefixCache(budget);
    List<int[]> seen = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      int[] t = sequence(r, seen, alphabet, maxLen);
      int op = r.nextInt(clears ? 10 : 9);
      String where = "seed " + seed + " step " + step + " " + Arrays.toString(t);
      if (op < 5) {
        KvEntry e = entry(t);
        trie.put(e);
        oracle.put(e);
        seen.add(t);
      } else if (op < 9) {
        int max = op == 8 ? t.length : r.nextInt(t.length + 1);
        PrefixCache.Match a = trie.lookup(t, max);
        PrefixCache.Match b = oracle.lookup(t, max);
        if (b == null) {
          assertNull(a, where);
        } else {
          assertEquals(b.length(), a == null ? -1 : a.length(), where);
          assertSame(b.entry(), a.entry(), where);
        }
      } else {
        trie.clear();
        oracle.clear();
      }
      assertEquals(oracle.stats(), trie.stats(), where);
    }
    return trie.stats();
  }

  @Test
  void answersAndCountsLikeTheLinearCache() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, 3))
        .checkAssert(
            (seed, shape) -> {
              int alphabet = new int[] {2, 3, 5, 50}[shape];
              // Budgets from a few entries (constant eviction) to all of them.
              long budget = TOKEN_BYTES * (long) new int[] {12, 40, 150, 100_000}[(int) (seed & 3)];
              run(seed, 200, alphabet, 12, budget, true);
            });
  }

  @Test
  void longSequencesWithManyEntries() {
    for (long seed = 1; seed <= 5; seed++) {
      PrefixCacheStats s = run(seed, 3_000, 8, 60, TOKEN_BYTES * 2_000L, false);
      // the comparison covered reuse, eviction and a trie of many entries
      assertTrue(s.hits() > 500 && s.evictions() > 100 && s.entries() > 20, s.toString());
    }
  }

  @Test
  void anEntryLargerThanTheBudgetChangesNothing() {
    PrefixCache trie = new PrefixCache(TOKEN_BYTES * 4);
    KvEntry small = entry(new int[] {1, 2});
    trie.put(small);
    trie.put(entry(new int[] {1, 2, 3, 4, 5}));
    assertEquals(1, trie.stats().entries());
    assertSame(small, trie.lookup(new int[] {1, 2, 3}, 3).entry());
  }
}
