package io.rstar4j.core.model;

import io.rstar4j.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** Loads the tokenizer of an export directory. */
final class TokenizerFiles {
  private TokenizerFiles() {}

  static Tokenizer load(Path tokenizerJson) throws IOException {
    throw new UnsupportedOperationException(
        "loading tokenizer.json is not wired yet; pass one with CausalLm.Builder.tokenizer");
  }
}
