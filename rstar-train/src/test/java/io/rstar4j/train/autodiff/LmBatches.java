package io.rstar4j.train.autodiff;

import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.testing.TinyQwen2;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random padded next-token batches for the tiny decoders. */
final class LmBatches {
  private LmBatches() {}

  /** Row i has {@code len[i]} real tokens (right-padded); labels on positions 1..len-2, mean. */
  static TorchReference.Batch random(long seed, int s, int... len) {
    Random r = new Random(seed);
    int b = len.length;
    long[][] ids = new long[b][s];
    long[][] mask = new long[b][s];
    long[][] pos = new long[b][s];
    long[][] labels = new long[b][s];
    double[][] w = new double[b][s];
    int count = 0;
    for (int i = 0; i < b; i++) {
      for (int t = 0; t < s; t++) {
        boolean real = t < len[i];
        ids[i][t] = real ? r.nextInt(TinyQwen2.vocabSize()) : 0;
        mask[i][t] = real ? 1 : 0;
        pos[i][t] = t;
      }
      for (int t = 0; t < s; t++) {
        boolean scored = t >= 1 && t < len[i] - 1;
        labels[i][t] = scored ? ids[i][t + 1] : -100;
        count += scored ? 1 : 0;
      }
    }
    for (int i = 0; i < b; i++) {
      for (int t = 0; t < s; t++) {
        w[i][t] = labels[i][t] >= 0 ? 1.0 / count : 0;
      }
    }
    return new TorchReference.Batch(ids, mask, pos, labels, w);
  }

  static Map<String, Tensor> toBatch(TorchReference.Batch b) {
    int n = b.ids().length;
    int s = b.ids()[0].length;
    float[] w = new float[n * s];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < s; t++) {
        w[i * s + t] = (float) b.weights()[i][t];
      }
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("input_ids", Tensor.of(Qwen2TorchReferenceTest.flat(b.ids()), n, s));
    m.put("attention_mask", Tensor.of(Qwen2TorchReferenceTest.flat(b.mask()), n, s));
    m.put("position_ids", Tensor.of(Qwen2TorchReferenceTest.flat(b.pos()), n, s));
    m.put(Losses.LABELS, Tensor.of(Qwen2TorchReferenceTest.flat(b.labels()), n, s));
    m.put(Losses.LABEL_WEIGHTS, Tensor.of(w, n, s));
    return m;
  }
}
