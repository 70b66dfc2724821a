package io.rstar4j.verify.grade;

import java.util.Locale;
import java.util.Map;

/** English number words ("twenty-one", "one hundred five", "a half") to digits. */
final class NumberWords {
  private static final Map<String, Integer> SMALL =
      Map.ofEntries(
          Map.entry("zero", 0),
          Map.entry("one", 1),
          Map.entry("two", 2),
          Map.entry("three", 3),
          Map.entry("four", 4),
          Map.entry("five", 5),
          Map.entry("six", 6),
          Map.entry("seven", 7),
          Map.entry("eight", 8),
          Map.entry("nine", 9),
          Map.entry("ten", 10),
          Map.entry("eleven", 11),
          Map.entry("twelve", 12),
          Map.entry("thirteen", 13),
          Map.entry("fourteen", 14),
          Map.entry("fifteen", 15),
          Map.entry("sixteen", 16),
          Map.entry("seventeen", 17),
          Map.entry("eighteen", 18),
          Map.entry("nineteen", 19),
          Map.entry("twenty", 20),
          Map.entry("thirty", 30),
          Map.entry("forty", 40),
          Map.entry("fifty", 50),
          Map.entry("sixty", 60),
          Map.entry("seventy", 70),
          Map.entry("eighty", 80),
          Map.entry("ninety", 90));
  private static final Map<String, Long> SCALES =
      Map.of("hundred", 100L, "thousand", 1_000L, "million", 1_000_000L, "billion", 1_000_000_000L);

  private NumberWords() {}

  /** The number the whole string spells, as digits, or null when it is not only number words. */
  static String parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.length() > 80) {
      return null;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c == ' ' || c == '-')) {
        return null;
      }
    }
    String[] words = t.split("[\\s-]+");
    long total = 0;
    long current = 0;
    boolean any = false;
    boolean negative = false;
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (w.isEmpty() || w.equals("and")) {
        continue;
      }
      if (i == 0 && (w.equals("minus") || w.equals("negative"))) {
        negative = true;
        continue;
      }
      Integer small = SMALL.get(w);
      if (small != null) {
        current += small;
        any = true;
        continue;
      }
      Long scale = SCALES.get(w);
      if (scale != null) {
        if (current == 0) {
          current = 1;
        }
        if (scale == 100) {
          current *= 100;
        } else {
          total += current * scale;
          current = 0;
        }
        any = true;
        continue;
      }
      return null;
    }
    if (!any) {
      return null;
    }
    long v = total + current;
    return Long.toString(negative ? -v : v);
  }
}
