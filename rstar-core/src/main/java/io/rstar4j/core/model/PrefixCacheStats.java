package io.rstar4j.core.model;

/**
 * Counters of the prefix KV cache of a {@link CausalLm}.
 *
 * @param lookups prefills that consulted the cache
 * @param hits lookups that reused at least one token
 * @param lookedUpTokens prompt tokens over all lookups
 * @param reusedTokens prompt tokens whose KV was reused
 * @param entries prefixes held now
 * @param bytes bytes held now
 * @param capacityBytes the budget
 * @param evictions entries evicted so far (least recently used first)
 */
public record PrefixCacheStats(
    long lookups,
    long hits,
    long lookedUpTokens,
    long reusedTokens,
    int entries,
    long bytes,
    long capacityBytes,
    long evictions) {

  /** Share of lookups that reused something (0 when there were none). */
  public double hitRate() {
    return lookups == 0 ? 0 : (double) hits / lookups;
  }

  /** Share of prompt tokens whose KV was reused (0 when there were none). */
  public double tokenReuseRate() {
    return lookedUpTokens == 0 ? 0 : (double) reusedTokens / lookedUpTokens;
  }
}
