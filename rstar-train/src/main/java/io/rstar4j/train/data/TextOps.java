package io.rstar4j.train.data;

/** Python-compatible text helpers used by the extraction rules. */
final class TextOps {
  private TextOps() {}

  /** Python's {@code str.isspace()} for one code point. */
  static boolean isPythonSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0d)
        || (cp >= 0x1c && cp <= 0x20)
        || cp == 0x85
        || cp == 0xa0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200a)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202f
        || cp == 0x205f
        || cp == 0x3000;
  }

  /** Python's {@code str.strip()} with no arguments. */
  static String pythonStrip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end) {
      int cp = s.codePointAt(start);
      if (!isPythonSpace(cp)) {
        break;
      }
      start += Character.charCount(cp);
    }
    while (end > start) {
      int cp = s.codePointBefore(end);
      if (!isPythonSpace(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(start, end);
  }

  /**
   * Levenshtein distance over code points (insert, delete and substitute each cost 1), as Python
   * computes it over the characters of a {@code str}.
   */
  static int levenshtein(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    if (x.length < y.length) {
      int[] t = x;
      x = y;
      y = t;
    }
    int[] prev = new int[y.length + 1];
    int[] cur = new int[y.length + 1];
    for (int j = 0; j <= y.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length; i++) {
      cur[0] = i;
      int xi = x[i - 1];
      for (int j = 1; j <= y.length; j++) {
        int sub = prev[j - 1] + (xi == y[j - 1] ? 0 : 1);
        int del = prev[j] + 1;
        int ins = cur[j - 1] + 1;
        cur[j] = Math.min(sub, Math.min(del, ins));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }
}
