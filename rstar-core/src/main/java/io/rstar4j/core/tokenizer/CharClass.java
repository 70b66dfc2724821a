package io.rstar4j.core.tokenizer;

/**
 * Character classes as Oniguruma (the regex engine of Hugging Face tokenizers) sees them: {@code
 * \p{L}}, {@code \p{N}} and {@code \s} (the Unicode White_Space property, which is not {@link
 * Character#isWhitespace}).
 */
final class CharClass {
  static final int OTHER = 0;
  static final int LETTER = 1;
  static final int NUMBER = 2;
  static final int SPACE = 4;

  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII[c] = (byte) slow(c);
    }
  }

  private CharClass() {}

  /**
   * The class of a code point: one of {@link #OTHER}, {@link #LETTER}, {@link #NUMBER}, {@link
   * #SPACE}.
   */
  static int of(int cp) {
    return cp < 128 ? ASCII[cp] : slow(cp);
  }

  private static int slow(int cp) {
    if (Character.isLetter(cp)) {
      return LETTER;
    }
    switch (Character.getType(cp)) {
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
        return NUMBER;
      default:
        return isWhiteSpace(cp) ? SPACE : OTHER;
    }
  }

  /** The Unicode White_Space property (what {@code \s} matches in Oniguruma and Rust). */
  static boolean isWhiteSpace(int cp) {
    if (cp <= 0x20) {
      return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
    }
    if (cp < 0x85) {
      return false;
    }
    return cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }
}
