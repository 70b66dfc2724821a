package io.rstar4j.core.tokenizer;

import java.nio.charset.StandardCharsets;

/** UTF-8 helpers working on char ranges, without intermediate strings. */
final class Utf8 {
  private Utf8() {}

  /**
   * Encodes {@code s[from, to)} into {@code buf} (which must hold 3 bytes per char). A lone
   * surrogate is encoded as U+FFFD.
   *
   * @return the number of bytes written
   */
  static int encode(CharSequence s, int from, int to, byte[] buf) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[n++] = (byte) c;
      } else if (c < 0x800) {
        buf[n++] = (byte) (0xC0 | (c >> 6));
        buf[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[n++] = (byte) (0xF0 | (cp >> 18));
        buf[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[n++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        if (Character.isSurrogate(c)) {
          c = '\uFFFD';
        }
        buf[n++] = (byte) (0xE0 | (c >> 12));
        buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return n;
  }

  /** Decodes bytes, replacing malformed sequences by U+FFFD. */
  static String decode(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  /**
   * Where the trailing incomplete (but so far valid) UTF-8 sequence of {@code b[0, len)} starts, or
   * {@code len} when the bytes end on a character boundary (or on malformed bytes, which are not
   * worth waiting for).
   */
  static int incompleteTailStart(byte[] b, int len) {
    int k = len - 1;
    int cont = 0;
    while (k >= 0 && cont < 3 && (b[k] & 0xC0) == 0x80) {
      k--;
      cont++;
    }
    if (k < 0) {
      return len;
    }
    int lead = b[k] & 0xFF;
    int need;
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 2;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 3;
    } else {
      return len;
    }
    if (cont >= need) {
      return len;
    }
    // check the second byte's narrower ranges, so that we never wait on an impossible sequence
    if (cont >= 1) {
      int second = b[k + 1] & 0xFF;
      if ((lead == 0xE0 && second < 0xA0)
          || (lead == 0xED && second > 0x9F)
          || (lead == 0xF0 && second < 0x90)
          || (lead == 0xF4 && second > 0x8F)) {
        return len;
      }
    }
    return k;
  }
}
