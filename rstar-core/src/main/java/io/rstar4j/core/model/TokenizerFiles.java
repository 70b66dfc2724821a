package io.rstar4j.core.model;

import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.nio.file.Path;

/** Loads the tokenizer of an export directory. */
final class TokenizerFiles {
  private TokenizerFiles() {}

  /**
   * @throws IllegalArgumentException if the file is not a supported tokenizer JSON
   */
  static Tokenizer load(Path tokenizerJson) {
    return Tokenizers.fromFile(tokenizerJson);
  }
}
