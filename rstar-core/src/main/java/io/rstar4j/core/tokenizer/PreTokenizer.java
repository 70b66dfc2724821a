package io.rstar4j.core.tokenizer;

/**
 * One pre-tokenization stage: splits a range of a string into pieces. Stages chain: each piece of
 * one stage is split again by the next. Implementations are stateless and thread-safe.
 */
interface PreTokenizer {

  /** Receives one piece {@code s[start, end)}; the string may be a new one (a prefix added). */
  @FunctionalInterface
  interface Sink {
    void accept(String s, int start, int end);
  }

  /** Splits {@code s[start, end)}, handing each piece, in order, to the sink. */
  void split(String s, int start, int end, Sink sink);
}
