package io.rstar4j.core.model;

import io.rstar4j.core.SamplingParams;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits: greedy, or temperature softmax restricted by top-k and
 * top-p. Works on a list of candidates (tokens not negligibly unlikely), which for a language model
 * is a small part of the vocabulary, and holds its scratch arrays so that sampling allocates
 * nothing per token. Not thread-safe.
 */
final class Sampler {
  /** Scaled logits this far below the best are treated as probability 0 (e^-30 < 1e-13). */
  static final double CUTOFF = 30.0;

  /** Rejection-sampling proposals tried before the full softmax (see {@code rejection}). */
  static final int REJECTION_TRIALS = 32;

  private static final double LOG2E = 1.0 / Math.log(2.0);

  /** Envelope buckets: weights down to 2^-63, far under the cut-off's e^-30. */
  private static final int BUCKETS = 64;

  private final int[] bucketCounts = new int[BUCKETS];
  private final byte[] bucket;

  private final int vocab;
  private final double[] probs;
  private final int[] cand;
  private final float[] keys;
  private int[] heap = new int[64];

  Sampler(int vocab) {
    this.vocab = vocab;
    this.probs = new double[vocab];
    this.cand = new int[vocab];
    this.keys = new float[vocab];
    this.bucket = new byte[vocab];
  }

  /**
   * Samples a token id.
   *
   * @param logits buffer holding the row at absolute positions {@code offset .. offset+vocab}
   */
  int sample(FloatBuffer logits, int offset, SamplingParams cfg, SplittableRandom rnd) {
    if (cfg.temperature() == 0) {
      return argmax(logits, offset);
    }
    double invT = 1.0 / cfg.temperature();
    int topK = cfg.topK();
    int n;
    double sum = 0;
    boolean sorted = false;
    if (topK > 0 && topK < vocab) {
      // Top-k by logit first (the same order as by probability), then exp of k values only.
      logits.get(offset, keys, 0, vocab);
      int[] top = topByLogit(topK);
      float max = keys[top[0]];
      if (Float.isNaN(max) || max == Float.NEGATIVE_INFINITY) {
        return argmax(logits, offset);
      }
      for (int j = 0; j < topK; j++) {
        int i = top[j];
        cand[j] = i;
        probs[i] = Math.exp((keys[i] - max) * invT);
        sum += probs[i];
      }
      n = topK;
      sorted = true;
    } else {
      // One bulk copy out of the (usually direct) buffer, then plain array loops.
      float[] x = keys;
      logits.get(offset, x, 0, vocab);
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < vocab; i++) {
        float v = x[i];
        if (v > max) {
          max = v;
        }
      }
      if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
        return argmax(logits, offset);
      }
      // Candidates: tokens within CUTOFF of the best after temperature; the rest have mass under
      // e^-CUTOFF each and are left out without computing an exp.
      float floor = (float) (max - CUTOFF * cfg.temperature());
      if (cfg.topP() >= 1.0) {
        int t = rejection(x, max, floor, invT, rnd);
        if (t >= 0) {
          return t;
        }
      }
      n = 0;
      for (int i = 0; i < vocab; i++) {
        float l = x[i];
        if (l >= floor) {
          double p = Math.exp((l - max) * invT);
          probs[i] = p;
          sum += p;
          cand[n++] = i;
        }
      }
    }
    if (cfg.topP() < 1.0) {
      double target = cfg.topP() * sum;
      int m = 64;
      while (true) {
        int take = Math.min(m, n);
        int[] top = sorted ? cand : topOf(n, take);
        double c = 0;
        int cut = -1;
        for (int j = 0; j < take; j++) {
          c += probs[top[j]];
          if (c >= target) {
            cut = j;
            break;
          }
        }
        if (cut >= 0 || take == n) {
          int k = cut >= 0 ? cut + 1 : take;
          if (top != cand) {
            System.arraycopy(top, 0, cand, 0, k);
          }
          n = k;
          sum = cut >= 0 ? c : sum;
          break;
        }
        m *= 8;
      }
    }
    double u = rnd.nextDouble() * sum;
    double acc = 0;
    for (int j = 0; j < n; j++) {
      acc += probs[cand[j]];
      if (u < acc) {
        return cand[j];
      }
    }
    return cand[n - 1];
  }

  /**
   * Draws the token by rejection from a power-of-two envelope, computing a few exps instead of one
   * per candidate. Candidate {@code i} (within the cut-off) has weight {@code w = exp(d)} with
   * {@code d = (x[i] - max) / T}, the same expression as the full softmax; its envelope is {@code
   * 2^(1-b)} with {@code b = floor(-d log2 e)}, so {@code w <= 2^-b < 2^(1-b)} (a factor 2 of
   * margin against rounding) and {@code w / 2^(1-b) > 1/4}. An id is proposed with probability
   * proportional to its envelope (a bucket by its power-of-two mass, then uniformly inside it) and
   * accepted with probability {@code w / 2^(1-b)}: an accepted id has the softmax's distribution.
   * After {@link #REJECTION_TRIALS} rejections (chance under 1e-4) the caller uses the full method,
   * whose draw is independent of the failed trials, so the mixture is exact as well.
   *
   * @return the token, or -1 after {@link #REJECTION_TRIALS} failed trials
   */
  private int rejection(float[] x, float max, float floor, double invT, SplittableRandom rnd) {
    int[] counts = bucketCounts;
    Arrays.fill(counts, 0);
    int n = 0;
    // Buckets in float arithmetic: an error in y under 1 is within the envelope's factor 2.
    float scale = (float) (invT * LOG2E);
    for (int i = 0; i < vocab; i++) {
      float l = x[i];
      if (l >= floor) {
        float y = (max - l) * scale; // >= 0
        int b = Math.min(BUCKETS - 1, (int) y);
        cand[n] = i;
        bucket[n++] = (byte) b;
        counts[b]++;
      }
    }
    double z = 0;
    for (int b = 0; b < BUCKETS; b++) {
      z += counts[b] * Math.scalb(2.0, -b);
    }
    for (int t = 0; t < REJECTION_TRIALS; t++) {
      double u = rnd.nextDouble() * z;
      int b = 0;
      double acc = 0;
      int lastNonEmpty = -1;
      for (; b < BUCKETS; b++) {
        if (counts[b] > 0) {
          lastNonEmpty = b;
          acc += counts[b] * Math.scalb(2.0, -b);
          if (u < acc) {
            break;
          }
        }
      }
      if (b == BUCKETS) {
        b = lastNonEmpty;
      }
      int k = rnd.nextInt(counts[b]);
      int j = 0;
      while (true) {
        if (bucket[j] == b && k-- == 0) {
          break;
        }
        j++;
      }
      int i = cand[j];
      double w = Math.exp((x[i] - max) * invT);
      if (rnd.nextDouble() * Math.scalb(2.0, -b) < w) {
        return i;
      }
    }
    return -1;
  }

  int argmax(FloatBuffer logits, int offset) {
    float[] x = keys;
    logits.get(offset, x, 0, vocab);
    int best = 0;
    float bv = x[0];
    for (int i = 1; i < vocab; i++) {
      float v = x[i];
      if (v > bv) {
        bv = v;
        best = i;
      }
    }
    return best;
  }

  /** The k most likely of the first n candidates, most likely first (ties: lower id first). */
  private int[] topOf(int n, int k) {
    if (heap.length < k) {
      heap = new int[Math.max(k, heap.length * 2)];
    }
    int[] h = heap;
    int size = 0;
    for (int j = 0; j < n; j++) {
      int i = cand[j];
      if (size < k) {
        h[size] = i;
        siftUp(h, size++);
      } else if (better(i, h[0])) {
        h[0] = i;
        siftDown(h, 0, size);
      }
    }
    // Heap-sort in place: repeatedly move the worst to the end, leaving h[0..size) best-first.
    for (int end = size - 1; end > 0; end--) {
      int t = h[0];
      h[0] = h[end];
      h[end] = t;
      siftDown(h, 0, end);
    }
    return h;
  }

  /** The k ids with the largest {@code keys}, largest first (ties: lower id first). */
  private int[] topByLogit(int k) {
    if (heap.length < k) {
      heap = new int[Math.max(k, heap.length * 2)];
    }
    int[] h = heap;
    for (int i = 0; i < k; i++) {
      h[i] = i;
      int c = i;
      while (c > 0) { // sift up: the worst at the root
        int p = (c - 1) >>> 1;
        if (keyBetter(h[p], h[c])) {
          int t = h[p];
          h[p] = h[c];
          h[c] = t;
          c = p;
        } else {
          break;
        }
      }
    }
    float rootKey = keys[h[0]];
    for (int i = k; i < vocab; i++) {
      float v = keys[i];
      if (v > rootKey) { // later ids lose ties
        h[0] = i;
        keySiftDown(h, k);
        rootKey = keys[h[0]];
      }
    }
    for (int end = k - 1; end > 0; end--) {
      int t = h[0];
      h[0] = h[end];
      h[end] = t;
      keySiftDown(h, end);
    }
    return h;
  }

  private boolean keyBetter(int a, int b) {
    return keys[a] > keys[b] || (keys[a] == keys[b] && a < b);
  }

  private void keySiftDown(int[] h, int size) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int worst = l;
      if (l + 1 < size && keyBetter(h[l], h[l + 1])) {
        worst = l + 1;
      }
      if (keyBetter(h[i], h[worst])) {
        int t = h[i];
        h[i] = h[worst];
        h[worst] = t;
        i = worst;
      } else {
        return;
      }
    }
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
