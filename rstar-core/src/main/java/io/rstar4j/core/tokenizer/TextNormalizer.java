package io.rstar4j.core.tokenizer;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/** A Hugging Face normalizer: text in, normalized text out. Thread-safe. */
@FunctionalInterface
interface TextNormalizer {
  String normalize(String s);

  static TextNormalizer unicode(Normalizer.Form form) {
    return s -> {
      // below U+0300 no character composes or decomposes under NFC/NFD; NFKC/NFKD need the check
      if (form == Normalizer.Form.NFC || form == Normalizer.Form.NFD) {
        boolean simple = true;
        for (int i = 0; i < s.length(); i++) {
          if (s.charAt(i) >= 0xC0) {
            simple = false;
            break;
          }
        }
        if (simple) {
          return s;
        }
      }
      return Normalizer.isNormalized(s, form) ? s : Normalizer.normalize(s, form);
    };
  }

  /** Per-character lower case, as Rust's {@code char::to_lowercase} (no final-sigma context). */
  static String lowercase(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      String lower;
      if (cp < 128) {
        lower = null;
        if (cp >= 'A' && cp <= 'Z') {
          lower = String.valueOf((char) (cp + 32));
        }
      } else {
        String one = s.substring(i, i + n);
        lower = one.toLowerCase(Locale.ROOT);
        if (lower.equals(one)) {
          lower = null;
        }
      }
      if (lower != null && sb == null) {
        sb = new StringBuilder(s.length());
        sb.append(s, 0, i);
      }
      if (sb != null) {
        if (lower != null) {
          sb.append(lower);
        } else {
          sb.appendCodePoint(cp);
        }
      }
      i += n;
    }
    return sb == null ? s : sb.toString();
  }

  static TextNormalizer sequence(List<TextNormalizer> parts) {
    TextNormalizer[] ps = parts.toArray(new TextNormalizer[0]);
    return s -> {
      for (TextNormalizer p : ps) {
        s = p.normalize(s);
      }
      return s;
    };
  }
}
