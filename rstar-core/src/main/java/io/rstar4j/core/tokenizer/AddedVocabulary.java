package io.rstar4j.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The added tokens of a {@code tokenizer.json} ({@code <|endoftext|>}, {@code [CLS]}, ...): found
 * inside text before the model sees it, leftmost first and longest first at one position, as
 * Hugging Face does. Honours {@code lstrip}, {@code rstrip} and {@code single_word}. Thread-safe.
 */
final class AddedVocabulary {

  /** One added token. */
  record AddedToken(
      int id,
      String content,
      boolean special,
      boolean lstrip,
      boolean rstrip,
      boolean singleWord) {}

  /** Receives the parts of a split text in order. */
  interface Sink {
    void text(String s, int start, int end);

    void token(int id);
  }

  private final List<AddedToken> tokens;
  private final Map<Character, AddedToken[]> byFirstChar;
  private final Map<Integer, AddedToken> byId = new HashMap<>();

  AddedVocabulary(List<AddedToken> tokens) {
    this.tokens = List.copyOf(tokens);
    Map<Character, List<AddedToken>> groups = new HashMap<>();
    for (AddedToken t : tokens) {
      byId.put(t.id(), t);
      if (!t.content().isEmpty()) {
        groups.computeIfAbsent(t.content().charAt(0), k -> new ArrayList<>()).add(t);
      }
    }
    byFirstChar = new HashMap<>();
    for (Map.Entry<Character, List<AddedToken>> e : groups.entrySet()) {
      AddedToken[] arr = e.getValue().toArray(new AddedToken[0]);
      Arrays.sort(arr, Comparator.comparingInt((AddedToken t) -> -t.content().length()));
      byFirstChar.put(e.getKey(), arr);
    }
  }

  List<AddedToken> tokens() {
    return tokens;
  }

  AddedToken byId(int id) {
    return byId.get(id);
  }

  boolean isEmpty() {
    return tokens.isEmpty();
  }

  /** Splits the text into text ranges and added-token ids. */
  void split(String s, Sink sink) {
    if (byFirstChar.isEmpty()) {
      sink.text(s, 0, s.length());
      return;
    }
    int textStart = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      AddedToken[] cands = byFirstChar.get(s.charAt(i));
      AddedToken hit = null;
      if (cands != null) {
        for (AddedToken t : cands) {
          if (s.startsWith(t.content(), i)) {
            hit = t;
            break;
          }
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      int mStart = i;
      int mEnd = i + hit.content().length();
      if (hit.singleWord()
          && ((mStart > 0 && isWordChar(s.codePointBefore(mStart)))
              || (mEnd < n && isWordChar(s.codePointAt(mEnd))))) {
        i++;
        continue;
      }
      if (hit.lstrip()) {
        while (mStart > textStart && Character.isWhitespace(s.charAt(mStart - 1))) {
          mStart--;
        }
      }
      if (hit.rstrip()) {
        while (mEnd < n && Character.isWhitespace(s.charAt(mEnd))) {
          mEnd++;
        }
      }
      if (mStart > textStart) {
        sink.text(s, textStart, mStart);
      }
      sink.token(hit.id());
      textStart = mEnd;
      i = mEnd;
    }
    if (textStart < n) {
      sink.text(s, textStart, n);
    }
  }

  private static boolean isWordChar(int cp) {
    return Character.isLetterOrDigit(cp) || cp == '_';
  }
}
