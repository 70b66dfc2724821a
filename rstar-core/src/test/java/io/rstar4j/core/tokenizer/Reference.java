package io.rstar4j.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;

/** The Hugging Face (Rust) tokenizer through DJL: truncation and padding off, no special tokens. */
final class Reference implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private Reference(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  static Reference of(Path file) throws Exception {
    return new Reference(
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(file)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build());
  }

  int[] encode(String text) {
    return toInts(tokenizer.encode(text, false, false).getIds());
  }

  int[] encodeWithSpecialTokens(String text) {
    return toInts(tokenizer.encode(text, true, false).getIds());
  }

  String decode(int[] ids) {
    return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
