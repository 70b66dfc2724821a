package io.rstar4j.core.tokenizer;

/**
 * The split part of Hugging Face's {@code ByteLevel} pre-tokenizer: optionally a space before each
 * piece that lacks one, and optionally the GPT-2 split. (The byte mapping itself is done by the BPE
 * model, which works on bytes.)
 */
final class ByteLevelPreTokenizer implements PreTokenizer {
  private final boolean addPrefixSpace;
  private final boolean useRegex;

  ByteLevelPreTokenizer(boolean addPrefixSpace, boolean useRegex) {
    this.addPrefixSpace = addPrefixSpace;
    this.useRegex = useRegex;
  }

  /** Whether this stage changes nothing (no prefix space, no split). */
  boolean isIdentity() {
    return !addPrefixSpace && !useRegex;
  }

  @Override
  public void split(String s, int start, int end, Sink sink) {
    if (addPrefixSpace && (start == end || s.charAt(start) != ' ')) {
      s = " " + s.substring(start, end);
      end = s.length();
      start = 0;
    }
    if (useRegex) {
      GptSplit.GPT2.split(s, start, end, sink);
    } else {
      sink.accept(s, start, end);
    }
  }
}
