package io.rstar4j.core.model;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits: greedy, or temperature softmax restricted by top-k
 * and top-p. Holds scratch arrays so that sampling allocates nothing per token. Not thread-safe.
 */
final class Sampler {
  private final int vocab;
  private final double[] probs;
  private final float[] scratch;
  private int[] heap = new int[64];

  Sampler(int vocab) {
    this.vocab = vocab;
    this.probs = new double[vocab];
    this.scratch = new float[vocab];
  }

  /**
   * Samples a token id.
   *
   * @param logits buffer holding the row at absolute positions {@code offset .. offset+vocab}
   */
  int sample(FloatBuffer logits, int offset, GenerationConfig cfg, SplittableRandom rnd) {
    if (cfg.temperature() == 0) {
      return argmax(logits, offset);
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      float v = logits.get(offset + i);
      if (v > max) {
        max = v;
      }
    }
    if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
      return argmax(logits, offset);
    }
    double invT = 1.0 / cfg.temperature();
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      double p = Math.exp((logits.get(offset + i) - max) * invT);
      probs[i] = p;
      sum += p;
    }
    int topK = cfg.topK();
    if (topK > 0 && topK < vocab) {
      sum = keepTopK(topK);
    }
    if (cfg.topP() < 1.0) {
      return sampleNucleus(sum, cfg.topP(), rnd);
    }
    double u = rnd.nextDouble() * sum;
    double c = 0;
    int last = -1;
    for (int i = 0; i < vocab; i++) {
      if (probs[i] > 0) {
        c += probs[i];
        last = i;
        if (u < c) {
          return i;
        }
      }
    }
    return last;
  }

  int argmax(FloatBuffer logits, int offset) {
    int best = 0;
    float bv = logits.get(offset);
    for (int i = 1; i < vocab; i++) {
      float v = logits.get(offset + i);
      if (v > bv) {
        bv = v;
        best = i;
      }
    }
    return best;
  }

  /** Zeroes all but the k most likely (ties to lower ids); returns the remaining mass. */
  private double keepTopK(int k) {
    int[] top = topIndices(k);
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      scratch[i] = 0;
    }
    for (int j = 0; j < k; j++) {
      scratch[top[j]] = 1;
    }
    for (int i = 0; i < vocab; i++) {
      if (scratch[i] == 0) {
        probs[i] = 0;
      } else {
        sum += probs[i];
      }
    }
    return sum;
  }

  private int sampleNucleus(double sum, double topP, SplittableRandom rnd) {
    double target = topP * sum;
    int m = 64;
    while (true) {
      int take = Math.min(m, vocab);
      int[] top = topIndices(take);
      double c = 0;
      int cut = -1;
      for (int j = 0; j < take; j++) {
        c += probs[top[j]];
        if (c >= target || probs[top[j]] == 0) {
          cut = j;
          break;
        }
      }
      if (cut >= 0 || take == vocab) {
        int n = cut >= 0 ? cut + 1 : take;
        double mass = 0;
        for (int j = 0; j < n; j++) {
          mass += probs[top[j]];
        }
        double u = rnd.nextDouble() * mass;
        double acc = 0;
        for (int j = 0; j < n; j++) {
          acc += probs[top[j]];
          if (u < acc) {
            return top[j];
          }
        }
        return top[n - 1];
      }
      m *= 8;
    }
  }

  /** The k most likely ids, most likely first (ties: lower id first). */
  private int[] topIndices(int k) {
    if (heap.length < k) {
      heap = new int[Math.max(k, heap.length * 2)];
    }
    int[] h = heap;
    int size = 0;
    for (int i = 0; i < vocab; i++) {
      if (size < k) {
        h[size] = i;
        siftUp(h, size++);
      } else if (better(i, h[0])) {
        h[0] = i;
        siftDown(h, 0, size);
      }
    }
    // Heap-sort in place: repeatedly move the worst to the end.
    for (int end = size - 1; end > 0; end--) {
      int t = h[0];
      h[0] = h[end];
      h[end] = t;
      siftDown(h, 0, end);
    }
    // Now h[0..size) is best-first.
    return h;
  }

  /** Whether id a ranks above id b. */
  private boolean better(int a, int b) {
    return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
  }

  private void siftUp(int[] h, int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (better(h[p], h[i])) {
        int t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
      } else {
        return;
      }
    }
  }

  private void siftDown(int[] h, int i, int size) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int worst = l;
      if (l + 1 < size && better(h[l], h[l + 1])) {
        worst = l + 1;
      }
      if (better(h[i], h[worst])) {
        int t = h[i];
        h[i] = h[worst];
        h[worst] = t;
        i = worst;
      } else {
        return;
      }
    }
  }
}
