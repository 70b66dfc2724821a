package io.rstar4j.core.tokenizer;

import java.text.Normalizer;

/** BERT's normalizer and pre-tokenizer, as Hugging Face tokenizers implements them. */
final class Bert {
  private Bert() {}

  /** {@code BertNormalizer}: clean text, pad CJK characters, strip accents, lower case. */
  static TextNormalizer normalizer(
      boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    return s -> {
      if (cleanText || handleChineseChars) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
          int cp = s.codePointAt(i);
          i += Character.charCount(cp);
          if (cleanText) {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
              continue;
            }
            if (cp == '\t' || cp == '\n' || cp == '\r' || CharClass.isWhiteSpace(cp)) {
              cp = ' ';
            }
          }
          if (handleChineseChars && isChineseChar(cp)) {
            sb.append(' ').appendCodePoint(cp).append(' ');
          } else {
            sb.appendCodePoint(cp);
          }
        }
        s = sb.toString();
      }
      if (stripAccents) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); ) {
          int cp = d.codePointAt(i);
          i += Character.charCount(cp);
          if (Character.getType(cp) != Character.NON_SPACING_MARK) {
            sb.appendCodePoint(cp);
          }
        }
        s = sb.toString();
      }
      if (lowercase) {
        s = TextNormalizer.lowercase(s);
      }
      return s;
    };
  }

  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
        return true; // unassigned code points (Cn) are kept, as the reference does
      default:
        return false;
    }
  }

  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /** BERT punctuation: ASCII punctuation or a Unicode punctuation category. */
  static boolean isPunctuation(int cp) {
    if (cp < 128) {
      return (cp >= 33 && cp <= 47)
          || (cp >= 58 && cp <= 64)
          || (cp >= 91 && cp <= 96)
          || (cp >= 123 && cp <= 126);
    }
    switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }

  /** {@code BertPreTokenizer}: white space separates (and is dropped), punctuation stands alone. */
  static final PreTokenizer PRE_TOKENIZER =
      (s, start, end, sink) -> {
        int wordStart = -1;
        for (int i = start; i < end; ) {
          int cp = s.codePointAt(i);
          int n = Character.charCount(cp);
          if (CharClass.isWhiteSpace(cp)) {
            if (wordStart >= 0) {
              sink.accept(s, wordStart, i);
              wordStart = -1;
            }
          } else if (isPunctuation(cp)) {
            if (wordStart >= 0) {
              sink.accept(s, wordStart, i);
              wordStart = -1;
            }
            sink.accept(s, i, i + n);
          } else if (wordStart < 0) {
            wordStart = i;
          }
          i += n;
        }
        if (wordStart >= 0) {
          sink.accept(s, wordStart, end);
        }
      };
}
