package io.rstar4j.core.tokenizer;

/**
 * The encode pipeline every tokenizer model shares: added tokens are matched first, the text
 * between them is normalized, split by each pre-tokenizer stage in turn, and each resulting word is
 * handed to the model.
 */
final class EncodingPipeline {
  /** The model's part: the ids of one pre-tokenized word {@code s[start, end)}. */
  interface WordEncoder {
    void encodeWord(String s, int start, int end, IntList out);
  }

  private EncodingPipeline() {}

  static int[] encode(
      String text,
      AddedVocabulary added,
      TextNormalizer normalizer,
      PreTokenizer[] stages,
      WordEncoder words,
      int initialCapacity) {
    IntList out = new IntList(initialCapacity);
    added.split(
        text,
        new AddedVocabulary.Sink() {
          @Override
          public void text(String s, int start, int end) {
            String seg = start == 0 && end == s.length() ? s : s.substring(start, end);
            if (normalizer != null) {
              seg = normalizer.normalize(seg);
            }
            run(stages, words, 0, seg, 0, seg.length(), out);
          }

          @Override
          public void token(int id) {
            out.add(id);
          }
        });
    return out.toArray();
  }

  private static void run(
      PreTokenizer[] stages,
      WordEncoder words,
      int stage,
      String s,
      int start,
      int end,
      IntList out) {
    if (stage == stages.length) {
      words.encodeWord(s, start, end, out);
    } else {
      stages[stage].split(
          s, start, end, (s2, a, b) -> run(stages, words, stage + 1, s2, a, b, out));
    }
  }
}
