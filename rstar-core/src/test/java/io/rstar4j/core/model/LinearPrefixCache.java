package io.rstar4j.core.model;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prefix cache as it was before the token trie: a linear scan over every entry for the longest
 * common prefix (cost proportional to the number of entries), kept as the test oracle of {@link
 * PrefixCache}, which must answer every lookup and count every statistic the same way. Keys and
 * values of prompt prefixes, keyed by token ids, within a byte budget with least recently used
 * eviction; a lookup returns the entry sharing the longest common prefix with the query (ties: the
 * most recently used). Not thread-safe.
 */
final class LinearPrefixCache {
  private final long capacityBytes;
  private final LinkedHashMap<Key, KvEntry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private long lookups;
  private long hits;
  private long lookedUpTokens;
  private long reusedTokens;
  private long evictions;

  LinearPrefixCache(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /**
   * The entry with the longest common prefix with {@code query}, at most {@code maxLength} tokens
   * of it; null when none shares a token.
   */
  PrefixCache.Match lookup(int[] query, int maxLength) {
    lookups++;
    lookedUpTokens += query.length;
    KvEntry best = null;
    int bestLen = 0;
    for (KvEntry e : entries.values()) {
      int n = Math.min(Math.min(e.length, query.length), maxLength);
      int i = 0;
      int[] t = e.tokens;
      while (i < n && t[i] == query[i]) {
        i++;
      }
      if (i > bestLen || (i == bestLen && i > 0)) {
        best = e;
        bestLen = i;
      }
    }
    if (best == null || bestLen == 0) {
      return null;
    }
    entries.get(new Key(best.tokens)); // touch for LRU order
    hits++;
    reusedTokens += bestLen;
    return new PrefixCache.Match(best, bestLen);
  }

  /** Stores an entry, dropping stored strict prefixes of it, then evicting to fit the budget. */
  void put(KvEntry e) {
    long size = e.bytes();
    if (size > capacityBytes) {
      return;
    }
    Key key = new Key(e.tokens);
    KvEntry old = entries.remove(key);
    if (old != null) {
      bytes -= old.bytes();
    }
    for (Iterator<Map.Entry<Key, KvEntry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      KvEntry o = it.next().getValue();
      if (o.length < e.length && isPrefix(o.tokens, e.tokens)) {
        bytes -= o.bytes();
        it.remove();
      }
    }
    for (Iterator<Map.Entry<Key, KvEntry>> it = entries.entrySet().iterator();
        bytes + size > capacityBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().bytes();
      it.remove();
      evictions++;
    }
    entries.put(key, e);
    bytes += size;
  }

  /** For filling a benchmark: stores an entry the caller knows to be no one's prefix. */
  void putWithoutPrefixScan(KvEntry e) {
    Key key = new Key(e.tokens);
    if (entries.put(key, e) == null) {
      bytes += e.bytes();
    }
  }

  void clear() {
    entries.clear();
    bytes = 0;
  }

  PrefixCacheStats stats() {
    return new PrefixCacheStats(
        lookups,
        hits,
        lookedUpTokens,
        reusedTokens,
        entries.size(),
        bytes,
        capacityBytes,
        evictions);
  }

  private static boolean isPrefix(int[] p, int[] t) {
    if (p.length > t.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (p[i] != t[i]) {
        return false;
      }
    }
    return true;
  }

  private record Key(int[] tokens) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && java.util.Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(tokens);
    }
  }
}
