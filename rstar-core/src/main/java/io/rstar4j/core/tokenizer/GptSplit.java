package io.rstar4j.core.tokenizer;

/**
 * Hand-written scanners for the split patterns of the common byte-level BPE tokenizers, equal to
 * the regex match by match but linear and allocation-free:
 *
 * <ul>
 *   <li>{@link #QWEN2}: {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|
 *       ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+} (Qwen2, Qwen2.5, Qwen3);
 *   <li>{@link #LLAMA3}: the same with {@code \p{N}{1,3}} (Llama 3, cl100k);
 *   <li>{@link #GPT2}: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+|
 *       ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} (GPT-2, the {@code ByteLevel} pre-tokenizer with {@code
 *       use_regex}).
 * </ul>
 */
final class GptSplit implements PreTokenizer {

  static final String QWEN2_PATTERN =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String LLAMA3_PATTERN =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  static final GptSplit QWEN2 = new GptSplit(false, 1);
  static final GptSplit LLAMA3 = new GptSplit(false, 3);
  static final GptSplit GPT2 = new GptSplit(true, 0);

  private final boolean gpt2;
  private final int maxDigits;

  private GptSplit(boolean gpt2, int maxDigits) {
    this.gpt2 = gpt2;
    this.maxDigits = maxDigits;
  }

  /** The scanner for a pattern, or null when the pattern is not one of the known ones. */
  static GptSplit forPattern(String pattern) {
    if (QWEN2_PATTERN.equals(pattern)) {
      return QWEN2;
    }
    if (LLAMA3_PATTERN.equals(pattern)) {
      return LLAMA3;
    }
    if (GPT2_PATTERN.equals(pattern)) {
      return GPT2;
    }
    return null;
  }

  @Override
  public void split(String s, int start, int end, Sink sink) {
    int i = start;
    while (i < end) {
      int j = gpt2 ? nextGpt2(s, i, end) : nextQwen(s, i, end);
      sink.accept(s, i, j);
      i = j;
    }
  }

  /** The end of the match that starts at {@code i} (the patterns match at every position). */
  int nextQwen(String s, int i, int end) {
    int c0 = s.codePointAt(i);
    int n0 = Character.charCount(c0);
    int k0 = CharClass.of(c0);
    if (c0 == '\'' && i + 1 < end) {
      int m = contraction(s, i + 1, end, true);
      if (m > 0) {
        return i + 1 + m;
      }
    }
    if (k0 == CharClass.LETTER) {
      return letters(s, i, end);
    }
    if (k0 != CharClass.NUMBER && c0 != '\r' && c0 != '\n') {
      int j = i + n0;
      if (j < end && CharClass.of(s.codePointAt(j)) == CharClass.LETTER) {
        return letters(s, j, end);
      }
    }
    if (k0 == CharClass.NUMBER) {
      int j = i + n0;
      for (int count = 1; count < maxDigits && j < end; count++) {
        int c = s.codePointAt(j);
        if (CharClass.of(c) != CharClass.NUMBER) {
          break;
        }
        j += Character.charCount(c);
      }
      return j;
    }
    int j = c0 == ' ' ? i + 1 : i;
    if (j < end && CharClass.of(s.codePointAt(j)) == CharClass.OTHER) {
      j = others(s, j, end);
      while (j < end && (s.charAt(j) == '\r' || s.charAt(j) == '\n')) {
        j++;
      }
      return j;
    }
    // c0 is white space here
    j = i;
    int lastNewline = -1;
    while (j < end && CharClass.isWhiteSpace(s.charAt(j))) {
      char c = s.charAt(j);
      if (c == '\r' || c == '\n') {
        lastNewline = j;
      }
      j++;
    }
    if (lastNewline >= 0) {
      return lastNewline + 1;
    }
    return trailingSpace(i, j, end);
  }

  int nextGpt2(String s, int i, int end) {
    int c0 = s.codePointAt(i);
    if (c0 == '\'' && i + 1 < end) {
      int m = contraction(s, i + 1, end, false);
      if (m > 0) {
        return i + 1 + m;
      }
    }
    int j = c0 == ' ' ? i + 1 : i;
    if (j < end) {
      int c = s.codePointAt(j);
      switch (CharClass.of(c)) {
        case CharClass.LETTER:
          return letters(s, j, end);
        case CharClass.NUMBER:
          return numbers(s, j, end);
        case CharClass.OTHER:
          return others(s, j, end);
        default:
          break;
      }
    }
    j = i;
    while (j < end && CharClass.isWhiteSpace(s.charAt(j))) {
      j++;
    }
    return trailingSpace(i, j, end);
  }

  /** {@code \s+(?!\S)|\s+} over the white-space run {@code [i, j)}. */
  private static int trailingSpace(int i, int j, int end) {
    if (j == end) {
      return j;
    }
    // white-space characters are all in the BMP: one char each
    return j - 1 > i ? j - 1 : j;
  }

  private static int letters(String s, int j, int end) {
    while (j < end) {
      int c = s.codePointAt(j);
      if (CharClass.of(c) != CharClass.LETTER) {
        break;
      }
      j += Character.charCount(c);
    }
    return j;
  }

  private static int numbers(String s, int j, int end) {
    while (j < end) {
      int c = s.codePointAt(j);
      if (CharClass.of(c) != CharClass.NUMBER) {
        break;
      }
      j += Character.charCount(c);
    }
    return j;
  }

  private static int others(String s, int j, int end) {
    while (j < end) {
      int c = s.codePointAt(j);
      if (CharClass.of(c) != CharClass.OTHER) {
        break;
      }
      j += Character.charCount(c);
    }
    return j;
  }

  /**
   * Length of the contraction after an apostrophe at {@code p}: {@code s t re ve m ll d}, case
   * insensitive as Oniguruma folds (so U+017F LONG S matches {@code s}), or 0.
   */
  private static int contraction(String s, int p, int end, boolean ignoreCase) {
    char a = s.charAt(p);
    char b = p + 1 < end ? s.charAt(p + 1) : 0;
    if (ignoreCase) {
      a = fold(a);
      b = fold(b);
    }
    switch (a) {
      case 's':
      case 't':
      case 'm':
      case 'd':
        return 1;
      case 'r':
      case 'v':
        return b == 'e' ? 2 : 0;
      case 'l':
        return b == 'l' ? 2 : 0;
      default:
        return 0;
    }
  }

  private static char fold(char c) {
    if (c >= 'A' && c <= 'Z') {
      return (char) (c + 32);
    }
    return c == '\u017F' ? 's' : c;
  }
}
