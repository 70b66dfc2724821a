package io.rstar4j.train.ppm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backbone features by text, computed once: a lookup fetches every missing text in one batched
 * backbone call. Bounded (least recently used goes first); capacity 0 turns caching off.
 */
final class FeatureCache {
  private final Backbone backbone;
  private final int capacity;
  private final LinkedHashMap<String, float[]> map;
  private long hits;
  private long misses;

  FeatureCache(Backbone backbone, int capacity) {
    this.backbone = backbone;
    this.capacity = capacity;
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> e) {
            return size() > FeatureCache.this.capacity;
          }
        };
  }

  Backbone backbone() {
    return backbone;
  }

  synchronized float[][] features(List<String> texts) {
    float[][] out = new float[texts.size()][];
    Map<String, List<Integer>> missing = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      float[] f = capacity > 0 ? map.get(texts.get(i)) : null;
      if (f != null) {
        out[i] = f;
        hits++;
      } else {
        List<Integer> slots = missing.computeIfAbsent(texts.get(i), k -> new ArrayList<>());
        if (slots.isEmpty()) {
          order.add(texts.get(i));
        }
        slots.add(i);
      }
    }
    if (!order.isEmpty()) {
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
    return map.size();
  }
}
