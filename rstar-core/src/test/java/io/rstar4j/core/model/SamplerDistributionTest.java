package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.SamplingParams;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampler draws temperature samples by rejection from a power-of-two envelope (a few exps per
 * token instead of one per vocabulary entry): its frequencies must still follow the softmax with
 * the cut-off, including logits whose weights sit exactly on the envelope's bucket boundaries.
 */
class SamplerDistributionTest {
  private static final int DRAWS = 200_000;

  /** Exact softmax of l / t, tokens more than CUTOFF (scaled) under the best left out. */
  private static double[] softmax(float[] l, double t) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v);
    }
    float floor = (float) (max - Sampler.CUTOFF * t);
    double[] p = new double[l.length];
    double z = 0;
    for (int i = 0; i < l.length; i++) {
      if (l[i] >= floor) {
        p[i] = Math.exp((l[i] - max) / t);
        z += p[i];
      }
    }
    for (int i = 0; i < l.length; i++) {
      p[i] /= z;
    }
    return p;
  }

  private static void assertFollowsSoftmax(float[] l, double t, long seed) {
    double[] p = softmax(l, t);
    Sampler s = new Sampler(l.length);
    SamplingParams cfg = SamplingParams.builder().temperature(t).build();
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] counts = new int[l.length];
    for (int i = 0; i < DRAWS; i++) {
      counts[s.sample(FloatBuffer.wrap(l), 0, cfg, rnd)]++;
    }
    double chi2 = 0;
    int cells = 0;
    for (int i = 0; i < l.length; i++) {
      double f = counts[i] / (double) DRAWS;
      if (p[i] == 0) {
        assertEquals(0, counts[i], "token " + i + " is under the cut-off");
        continue;
      }
      double sd = Math.sqrt(p[i] * (1 - p[i]) / DRAWS);
      assertEquals(p[i], f, 6 * sd + 1e-9, "token " + i + " of " + l.length + " at t=" + t);
      chi2 += Math.pow(counts[i] - p[i] * DRAWS, 2) / (p[i] * DRAWS);
      cells++;
    }
    // Far above the chi-square quantile for cells - 1 degrees of freedom at 1e-6.
    assertTrue(chi2 < cells + 12 * Math.sqrt(2.0 * cells) + 30, "chi2 " + chi2 + " cells " + cells);
  }

  @Test
  void flatPeakedAndBoundaryLogitsFollowTheSoftmax() {
    // Weights exactly 2^-k: every token sits on a bucket boundary of the envelope.
    float[] powers = new float[12];
    for (int i = 0; i < powers.length; i++) {
      powers[i] = (float) (-i * Math.log(2));
    }
    assertFollowsSoftmax(powers, 1.0, 1);
    assertFollowsSoftmax(new float[] {1f, 1f, 1f, 1f, 1f}, 1.0, 2);
    assertFollowsSoftmax(new float[] {5f, 0f, -1f, 2.5f, -40f, 4.9f, 3f}, 1.0, 3);
    assertFollowsSoftmax(new float[] {5f, 0f, -1f, 2.5f, -40f, 4.9f, 3f}, 0.7, 4);
    assertFollowsSoftmax(new float[] {5f, 0f, -1f, 2.5f, -40f, 4.9f, 3f}, 2.5, 5);
    // One dominant token among many small ones (mostly rejected proposals).
    float[] peaked = new float[40];
    peaked[17] = 12f;
    peaked[3] = 9f;
    assertFollowsSoftmax(peaked, 1.0, 6);
  }

  @Test
  void gaussianLogitsFollowTheSoftmax() {
    SplittableRandom g = new SplittableRandom(11);
    for (double scale : new double[] {0.3, 2.0, 6.0}) {
      float[] l = new float[24];
      for (int i = 0; i < l.length; i++) {
        l[i] = (float) (scale * (g.nextDouble() * 2 - 1) * 1.7);
      }
      assertFollowsSoftmax(l, 1.0, 7 + (long) scale);
    }
  }
}
