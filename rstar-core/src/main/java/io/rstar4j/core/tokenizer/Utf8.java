package io.rstar4j.core.tokenizer;

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

  /**
   * Decodes bytes, replacing each maximal ill-formed subpart by one U+FFFD, as Rust's {@code
   * String::from_utf8_lossy} (and the Unicode recommendation) do. (Java's own decoder differs on
   * encoded surrogates, which would make streaming and whole decoding disagree.)
   */
  static String decode(byte[] b, int from, int to) {
    char[] out = new char[to - from];
    int n = 0;
    int i = from;
    while (i < to) {
      int b0 = b[i] & 0xFF;
      if (b0 < 0x80) {
        out[n++] = (char) b0;
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) {
          lo = 0xA0;
        } else if (b0 == 0xED) {
          hi = 0x9F;
        }
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F;
        }
      } else {
        out[n++] = '\uFFFD';
        i++;
        continue;
      }
      int cp = b0 & (0x3F >> need);
      int k = i + 1;
      boolean ok = true;
      for (int c = 0; c < need; c++, k++) {
        int bb = k < to ? b[k] & 0xFF : -1;
        int l = c == 0 ? lo : 0x80;
        int h = c == 0 ? hi : 0xBF;
        if (bb < l || bb > h) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (bb & 0x3F);
      }
      if (!ok) {
        out[n++] = '\uFFFD';
        i = k;
        continue;
      }
      if (cp >= 0x10000) {
        if (n + 2 > out.length) {
          out = java.util.Arrays.copyOf(out, out.length + 2);
        }
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
      } else {
        out[n++] = (char) cp;
      }
      i = k;
    }
    return new String(out, 0, n);
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
