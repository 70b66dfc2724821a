package io.rstar4j.core.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back. Implementations load a Hugging Face {@code tokenizer.json}
 * (byte-level BPE as in Qwen, or WordPiece as in BERT-style encoders): see {@link
 * Tokenizers#fromFile(java.nio.file.Path)}. Implementations are thread-safe, except for the {@link
 * StreamingDecoder}s they hand out.
 */
public interface Tokenizer {

  /** Token ids of the text; no special tokens are added. Special tokens inside the text match. */
  int[] encode(String text);

  /**
   * Token ids of the text, with the special tokens of the tokenizer's post-processor around them
   * when {@code addSpecialTokens} is true (for a BERT-style encoder {@code [CLS] ... [SEP]}; for
   * Qwen nothing). The default adds nothing.
   */
  default int[] encode(String text, boolean addSpecialTokens) {
    return encode(text);
  }

  /** The text of the ids; special tokens are rendered as their content. */
  String decode(int[] ids);

  /**
   * The text of the ids, leaving out the special tokens (those marked {@code special} in the
   * tokenizer file, such as {@code <|endoftext|>} or {@code [CLS]}) when {@code skipSpecialTokens}.
   * The default renders them.
   */
  default String decode(int[] ids, boolean skipSpecialTokens) {
    return decode(ids);
  }

  /** Number of ids (the largest id + 1, added tokens included). */
  int vocabSize();

  /** The id of a token string, e.g. a special token such as {@code <|endoftext|>}. */
  OptionalInt tokenId(String token);

  /**
   * A decoder that turns ids into text one at a time, holding back bytes of an incomplete UTF-8
   * character until it is complete.
   */
  StreamingDecoder streamingDecoder();

  /** Incremental decoding for streaming generation. Not thread-safe. */
  interface StreamingDecoder {
    /** Adds one id; returns the text that became complete (possibly empty). */
    String push(int id);

    /** The text still held back (incomplete characters are rendered as U+FFFD). */
    String flush();
  }
}
