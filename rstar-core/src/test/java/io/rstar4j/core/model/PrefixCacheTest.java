package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {
  private static KvEntry entry(int... tokens) {
    ByteBuffer[] k = {ByteBuffer.allocateDirect(tokens.length * 8)};
    ByteBuffer[] v = {ByteBuffer.allocateDirect(tokens.length * 8)};
    return new KvEntry(tokens, tokens.length, k, v);
  }

  @Test
  void longestCommonPrefixWinsCappedAtMaxLength() {
    PrefixCache c = new PrefixCache(1 << 20);
    KvEntry a = entry(1, 2, 3);
    KvEntry b = entry(1, 2, 9, 9, 9);
    c.put(a);
    c.put(b);
    PrefixCache.Match m = c.lookup(new int[] {1, 2, 9, 9, 7}, 4);
    assertSame(b, m.entry());
    assertEquals(4, m.length());
    m = c.lookup(new int[] {1, 2, 3, 4}, 3);
    assertSame(a, m.entry());
    assertEquals(3, m.length());
    assertNull(c.lookup(new int[] {5, 6}, 1));
    PrefixCacheStats s = c.stats();
    assertEquals(3, s.lookups());
    assertEquals(2, s.hits());
    assertEquals(7, s.reusedTokens());
  }

  @Test
  void storedPrefixesOfANewEntryAreDropped() {
    PrefixCache c = new PrefixCache(1 << 20);
    c.put(entry(1, 2));
    c.put(entry(1, 2, 3, 4));
    assertEquals(1, c.stats().entries());
    assertEquals(64, c.stats().bytes());
  }

  @Test
  void leastRecentlyUsedIsEvictedFirst() {
    PrefixCache c = new PrefixCache(3 * 32); // three entries of two tokens
    KvEntry a = entry(1, 1);
    KvEntry b = entry(2, 2);
    KvEntry d = entry(3, 3);
    c.put(a);
    c.put(b);
    c.put(d);
    c.lookup(new int[] {1, 1, 5}, 2); // touch a
    c.put(entry(4, 4)); // evicts b, the least recently used
    assertNull(c.lookup(new int[] {2, 2}, 2));
    assertSame(a, c.lookup(new int[] {1, 1}, 2).entry());
    assertSame(d, c.lookup(new int[] {3, 3}, 2).entry());
    assertEquals(1, c.stats().evictions());
    assertEquals(96, c.stats().bytes());
    c.put(entry(new int[200])); // larger than the budget: not stored
    assertEquals(3, c.stats().entries());
  }
}
