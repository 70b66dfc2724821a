package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.rstar4j.core.SamplingParams;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static float[] logits(long seed, int vocab) {
    Random r = new Random(seed);
    float[] l = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      l[i] = (float) (r.nextGaussian() * 3);
    }
    return l;
  }

  private static int rank(float[] l, int id) {
    int better = 0;
    for (int i = 0; i < l.length; i++) {
      if (l[i] > l[id] || (l[i] == l[id] && i < id)) {
        better++;
      }
    }
    return better;
  }

  @Test
  void topKSamplesStayAmongTheKMostLikely() {
    qt().forAll(longs().all(), integers().between(1, 40), integers().between(2, 500))
        .checkAssert(
            (seed, k, vocab) -> {
              float[] l = logits(seed, vocab);
              Sampler s = new Sampler(vocab);
              SamplingParams cfg = SamplingParams.builder().temperature(1.5).topK(k).build();
              SplittableRandom rnd = new SplittableRandom(seed);
              for (int i = 0; i < 20; i++) {
                int t = s.sample(FloatBuffer.wrap(l), 0, cfg, rnd);
                assertTrue(rank(l, t) < k, "rank " + rank(l, t) + " >= k " + k);
              }
            });
  }

  @Test
  void topPSamplesStayInTheNucleus() {
    qt().forAll(longs().all(), integers().between(1, 99), integers().between(2, 3000))
        .checkAssert(
            (seed, pct, vocab) -> {
              float[] l = logits(seed, vocab);
              double p = pct / 100.0;
              // The nucleus: smallest top set with mass >= p.
              double max = Arrays.stream(toDouble(l)).max().orElseThrow();
              double[] probs = Arrays.stream(toDouble(l)).map(v -> Math.exp(v - max)).toArray();
              double z = Arrays.stream(probs).sum();
              Integer[] order = new Integer[vocab];
              for (int i = 0; i < vocab; i++) {
                order[i] = i;
              }
              Arrays.sort(
                  order,
                  (a, b) ->
                      probs[a] != probs[b]
                          ? Double.compare(probs[b], probs[a])
                          : Integer.compare(a, b));
              double c = 0;
              int size = 0;
              while (c < p * z - 1e-12 && size < vocab) {
                c += probs[order[size++]];
              }
              Sampler s = new Sampler(vocab);
              SamplingParams cfg = SamplingParams.builder().temperature(1.0).topP(p).build();
              SplittableRandom rnd = new SplittableRandom(seed);
              for (int i = 0; i < 20; i++) {
                int t = s.sample(FloatBuffer.wrap(l), 0, cfg, rnd);
                assertTrue(rank(l, t) < Math.max(size, 1), "rank " + rank(l, t) + " size " + size);
              }
            });
  }

  @Test
  void greedyTakesTheArgmaxAndFrequenciesFollowTheSoftmax() {
    float[] l = {0f, (float) Math.log(3), 0f, -50f};
    Sampler s = new Sampler(4);
    assertEquals(
        1, s.sample(FloatBuffer.wrap(l), 0, SamplingParams.greedy(1), new SplittableRandom(1)));
    int[] counts = new int[4];
    SplittableRandom rnd = new SplittableRandom(5);
    SamplingParams cfg = SamplingParams.builder().temperature(1).build();
    for (int i = 0; i < 20000; i++) {
      counts[s.sample(FloatBuffer.wrap(l), 0, cfg, rnd)]++;
    }
    assertEquals(0.6, counts[1] / 20000.0, 0.02);
    assertEquals(0.2, counts[0] / 20000.0, 0.02);
    assertEquals(0, counts[3]);
    // Offsets into a batch buffer are honoured.
    float[] batch = new float[8];
    System.arraycopy(l, 0, batch, 4, 4);
    assertEquals(1, s.sample(FloatBuffer.wrap(batch), 4, SamplingParams.greedy(1), rnd));
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
