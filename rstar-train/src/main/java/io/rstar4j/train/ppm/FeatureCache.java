package io.rstar4j.train.ppm;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.collect.ListMultimap;
import com.google.common.collect.MultimapBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Backbone features by text, computed once: a lookup fetches every missing text in one batched
 * backbone call. Bounded (least recently used goes first); capacity 0 turns caching off.
 */
final class FeatureCache {
  private final Backbone backbone;
  private final int capacity;
  // One segment (concurrency level 1): Guava's eviction is then exactly least-recently-used.
  private final Cache<String, float[]> map;
  private long hits;
  private long misses;

  FeatureCache(Backbone backbone, int capacity) {
    this.backbone = backbone;
    this.capacity = capacity;
    this.map = CacheBuilder.newBuilder().concurrencyLevel(1).maximumSize(capacity).build();
  }

  Backbone backbone() {
    return backbone;
  }

  synchronized float[][] features(List<String> texts) {
    float[][] out = new float[texts.size()][];
    // the slots of each missing text, texts in first-seen order
    ListMultimap<String, Integer> missing =
        MultimapBuilder.linkedHashKeys().arrayListValues().build();
    for (int i = 0; i < texts.size(); i++) {
      float[] f = capacity > 0 ? map.getIfPresent(texts.get(i)) : null;
      if (f != null) {
        out[i] = f;
        hits++;
      } else {
        missing.put(texts.get(i), i);
      }
    }
    if (!missing.isEmpty()) {
      List<String> order = new ArrayList<>(missing.keySet());
      misses += order.size();
      float[][] computed = backbone.lastHiddenStates(order);
      for (int k = 0; k < order.size(); k++) {
        for (int slot : missing.get(order.get(k))) {
          out[slot] = computed[k];
        }
        if (capacity > 0) {
          map.put(order.get(k), computed[k]);
        }
      }
    }
    return out;
  }

  synchronized long hits() {
    return hits;
  }

  synchronized long misses() {
    return misses;
  }

  synchronized int size() {
    return (int) map.size();
  }
}
