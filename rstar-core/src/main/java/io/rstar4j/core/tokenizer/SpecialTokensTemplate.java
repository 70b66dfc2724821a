package io.rstar4j.core.tokenizer;

/** The special tokens a post-processor puts around one sequence (e.g. {@code [CLS] A [SEP]}). */
record SpecialTokensTemplate(int[] prefix, int[] suffix) {
  static final SpecialTokensTemplate NONE = new SpecialTokensTemplate(new int[0], new int[0]);

  int[] apply(int[] ids) {
    if (prefix.length == 0 && suffix.length == 0) {
      return ids;
    }
    int[] out = new int[prefix.length + ids.length + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(ids, 0, out, prefix.length, ids.length);
    System.arraycopy(suffix, 0, out, prefix.length + ids.length, suffix.length);
    return out;
  }
}
