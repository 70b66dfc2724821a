package io.rstar4j.train.policy;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.train.autodiff.Losses;
import io.rstar4j.train.data.SftRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

/** SFT records as token sequences, the held-out split and length-bucketed batches. */
final class SftData {
  private SftData() {}

  /**
   * One training sequence: the rendered prompt's tokens then the response's (and the end token).
   *
   * @param ids the tokens, at most the maximum length
   * @param promptLength how many leading tokens are the prompt (no loss on them)
   */
  record Example(int[] ids, int promptLength) {
    /** The number of positions with a loss: response tokens predicted. */
    int scored() {
      return ids.length - promptLength;
    }
  }

  /**
   * The examples and what had to be cut.
   *
   * @param examples usable examples, in record order
   * @param truncated records longer than the maximum length, cut from the right
   * @param dropped records whose prompt alone fills the maximum length (no response token left)
   * @param tokens tokens in all examples
   */
  record Prepared(List<Example> examples, int truncated, int dropped, long tokens) {}

  static Prepared prepare(
      List<SftRecord> records,
      Tokenizer tok,
      PromptTemplate template,
      int maxLength,
      OptionalInt eos) {
    List<Example> out = new ArrayList<>();
    int truncated = 0;
    int dropped = 0;
    long tokens = 0;
    for (SftRecord r : records) {
      int[] p = tok.encode(template.head(r.query()));
      int[] resp = tok.encode(r.response());
      int n = p.length + resp.length + (eos.isPresent() ? 1 : 0);
      int[] ids = new int[n];
      System.arraycopy(p, 0, ids, 0, p.length);
      System.arraycopy(resp, 0, ids, p.length, resp.length);
      if (eos.isPresent()) {
        ids[n - 1] = eos.getAsInt();
      }
      if (n > maxLength) {
        truncated++;
        ids = java.util.Arrays.copyOf(ids, maxLength);
      }
      if (p.length < 1 || ids.length - p.length < 1) {
        dropped++;
        continue;
      }
      tokens += ids.length;
      out.add(new Example(ids, p.length));
    }
    return new Prepared(out, truncated, dropped, tokens);
  }

  /**
   * Splits off a held-out share (at least one example when the fraction is positive and there are
   * two or more), chosen by the seed.
   */
  static List<List<Example>> split(List<Example> all, double heldOutFraction, long seed) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new Random(seed));
    int held = (int) Math.round(all.size() * heldOutFraction);
    if (heldOutFraction > 0 && held == 0 && all.size() >= 2) {
      held = 1;
    }
    held = Math.min(held, all.size() - 1);
    List<Integer> heldIdx = new ArrayList<>(idx.subList(0, Math.max(0, held)));
    List<Integer> trainIdx = new ArrayList<>(idx.subList(Math.max(0, held), idx.size()));
    Collections.sort(heldIdx);
    Collections.sort(trainIdx);
    List<Example> train = new ArrayList<>();
    List<Example> heldOut = new ArrayList<>();
    trainIdx.forEach(i -> train.add(all.get(i)));
    heldIdx.forEach(i -> heldOut.add(all.get(i)));
    return List.of(train, heldOut);
  }

  /**
   * Length bucketing: the examples sorted by length (ties by a seeded shuffle), cut into batches of
   * at most {@code batch}, the batches in a seeded random order. Padding is then only within
   * sequences of similar length.
   */
  static List<List<Example>> batches(List<Example> examples, int batch, long seed) {
    List<Example> order = new ArrayList<>(examples);
    Random r = new Random(seed);
    Collections.shuffle(order, r);
    order.sort(Comparator.comparingInt(e -> e.ids().length));
    List<List<Example>> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i += batch) {
      out.add(List.copyOf(order.subList(i, Math.min(order.size(), i + batch))));
    }
    Collections.shuffle(out, r);
    return out;
  }

  /** Positions with a loss in a batch. */
  static int scored(List<Example> batch) {
    int n = 0;
    for (Example e : batch) {
      n += e.scored();
    }
    return n;
  }

  /**
   * The tensors of one batch, right-padded: input_ids, attention_mask, position_ids (when the graph
   * takes them), labels (the next token) and label_weights ({@code 1 / scored} on the positions
   * that predict a response token, so the loss is the mean over them).
   */
  static Map<String, Tensor> tensors(List<Example> batch, boolean positionIds) {
    int b = batch.size();
    int s = 0;
    for (Example e : batch) {
      s = Math.max(s, e.ids().length);
    }
    long[] ids = new long[b * s];
    long[] mask = new long[b * s];
    long[] pos = new long[b * s];
    long[] labels = new long[b * s];
    float[] w = new float[b * s];
    float unit = 1f / Math.max(1, scored(batch));
    for (int i = 0; i < b; i++) {
      Example e = batch.get(i);
      int n = e.ids().length;
      for (int t = 0; t < s; t++) {
        int k = i * s + t;
        boolean real = t < n;
        ids[k] = real ? e.ids()[t] : 0;
        mask[k] = real ? 1 : 0;
        pos[k] = real ? t : 0;
        boolean scoredPos = t >= e.promptLength() - 1 && t < n - 1;
        labels[k] = scoredPos ? e.ids()[t + 1] : 0;
        w[k] = scoredPos ? unit : 0f;
      }
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("input_ids", Tensor.of(ids, b, s));
    m.put("attention_mask", Tensor.of(mask, b, s));
    if (positionIds) {
      m.put("position_ids", Tensor.of(pos, b, s));
    }
    m.put(Losses.LABELS, Tensor.of(labels, b, s));
    m.put(Losses.LABEL_WEIGHTS, Tensor.of(w, b, s));
    return m;
  }
}
