package io.rstar4j.core.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Split} pre-tokenizer for patterns without a hand-written scanner, on {@link
 * java.util.regex} with Unicode character classes. Behaviour {@code Isolated} keeps matches and the
 * text between them as pieces; {@code Removed} drops the matches.
 */
final class RegexSplit implements PreTokenizer {
  private final Pattern pattern;
  private final boolean removeMatches;

  RegexSplit(Pattern pattern, boolean removeMatches) {
    this.pattern = pattern;
    this.removeMatches = removeMatches;
  }

  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }

  @Override
  public void split(String s, int start, int end, Sink sink) {
    Matcher m = pattern.matcher(s);
    m.region(start, end);
    int prev = start;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue; // empty matches split nothing
      }
      if (m.start() > prev) {
        sink.accept(s, prev, m.start());
      }
      if (!removeMatches) {
        sink.accept(s, m.start(), m.end());
      }
      prev = m.end();
    }
    if (prev < end) {
      sink.accept(s, prev, end);
    }
  }
}
