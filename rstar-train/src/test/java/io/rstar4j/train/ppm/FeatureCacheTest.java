package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureCacheTest {

  /** A backbone whose feature of a text is its length, recording every batch it is asked for. */
  static final class Recording implements Backbone {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public int hiddenSize() {
      return 1;
    }

    @Override
    public int contextLength() {
      return 100;
    }

    @Override
    public float[][] lastHiddenStates(List<String> texts) {
      calls.add(List.copyOf(texts));
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        out[i] = new float[] {texts.get(i).length()};
      }
      return out;
    }

    @Override
    public long truncatedTexts() {
      return 0;
    }

    @Override
    public void close() {}
  }

  @Test
  void missingTextsAreFetchedOnceInFirstSeenOrder() {
    Recording b = new Recording();
    FeatureCache cache = new FeatureCache(b, 10);
    float[][] f = cache.features(List.of("bb", "a", "bb", "ccc"));
    assertEquals(List.of(List.of("bb", "a", "ccc")), b.calls);
    assertArrayEquals(new float[] {2}, f[0]);
    assertArrayEquals(new float[] {2}, f[2]);
    assertEquals(0, cache.hits());
    assertEquals(3, cache.misses());
    cache.features(List.of("a", "dddd"));
    assertEquals(List.of("dddd"), b.calls.get(1));
    assertEquals(1, cache.hits());
    assertEquals(4, cache.misses());
    assertEquals(4, cache.size());
  }

  @Test
  void capacityZeroCachesNothing() {
    Recording b = new Recording();
    FeatureCache cache = new FeatureCache(b, 0);
    cache.features(List.of("a", "a"));
    cache.features(List.of("a"));
    assertEquals(List.of(List.of("a"), List.of("a")), b.calls);
    assertEquals(0, cache.size());
    assertEquals(0, cache.hits());
  }

  /** Against an access-ordered LinkedHashMap model: the same calls, hits and size. */
  @Test
  void evictsTheLeastRecentlyUsedLikeAnAccessOrderedMap() {
    qt().forAll(
            integers().between(1, 4),
            lists()
                .of(lists().of(integers().between(0, 6)).ofSizeBetween(1, 4))
                .ofSizeBetween(1, 12))
        .checkAssert(
            (capacity, batches) -> {
              Recording b = new Recording();
              FeatureCache cache = new FeatureCache(b, capacity);
              Map<String, Boolean> model =
                  new LinkedHashMap<>(16, 0.75f, true) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                      return size() > capacity;
                    }
                  };
              List<List<String>> expected = new ArrayList<>();
              long hits = 0;
              for (List<Integer> batch : batches) {
                List<String> texts = new ArrayList<>();
                batch.forEach(i -> texts.add("t" + i));
                List<String> missing = new ArrayList<>();
                for (String t : texts) {
                  if (model.get(t) != null) {
                    hits++;
                  } else if (!missing.contains(t)) {
                    missing.add(t);
                  }
                }
                if (!missing.isEmpty()) {
                  expected.add(missing);
                  missing.forEach(t -> model.put(t, true));
                }
                cache.features(texts);
              }
              assertEquals(expected, b.calls);
              assertEquals(hits, cache.hits());
              assertEquals(model.size(), cache.size());
            });
  }
}
