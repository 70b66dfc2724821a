package io.rstar4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The code-augmented step format of rStar-Math: tags, stop strings, parsing of one generation into
 * a {@link Step}, {@code \boxed{}} extraction and program assembly.
 *
 * <p>A solution opens {@code <code>}, then Python steps each ending {@code <end_of_step>}, the last
 * ending {@code <end_of_code>}; then {@code <output>...<end_of_output>}; then {@code <answer>...
 * \boxed{...}<end_of_answer>}.
 */
public final class StepFormat {
  public static final String CODE = "<code>";
  public static final String END_OF_STEP = "<end_of_step>";
  public static final String END_OF_CODE = "<end_of_code>";
  public static final String OUTPUT = "<output>";
  public static final String END_OF_OUTPUT = "<end_of_output>";
  public static final String ANSWER = "<answer>";
  public static final String END_OF_ANSWER = "<end_of_answer>";

  /** The stop strings one generation is cut at, in the reference's order. */
  public static final List<String> STOP_STRINGS = List.of(END_OF_STEP, END_OF_CODE, END_OF_ANSWER);

  private StepFormat() {}

  /**
   * Parses one generation, cut at a stop string with the stop string put back, into a step.
   *
   * <ul>
   *   <li>text containing {@code boxed}: a {@link Step.Answer}, the answer being the content of the
   *       last {@code \boxed{}} (brace matched; empty when unbalanced);
   *   <li>ending {@code <end_of_code>} (trailing whitespace ignored): a {@link Step.Code} that ends
   *       its block;
   *   <li>ending {@code <end_of_step>}: a {@link Step.Code} within its block;
   *   <li>anything else: a {@link Step.Unparsable}.
   * </ul>
   *
   * @throws NullPointerException if generation is null
   */
  public static Step parse(String generation) {
    if (generation.contains("boxed")) {
      return Step.Answer.of(generation);
    }
    if (endsWithStop(generation, END_OF_CODE) || endsWithStop(generation, END_OF_STEP)) {
      return Step.Code.of(generation);
    }
    return new Step.Unparsable(generation);
  }

  /** The Python code of a step's text: the text with the code-step tags removed. */
  public static String stripTags(String text) {
    return text.replace(CODE, "").replace(END_OF_STEP, "").replace(END_OF_CODE, "");
  }

  /**
   * The program of a step: the code of the earlier steps of the same code block, then this step's
   * own code (none unless it is a {@link Step.Code}). Walks back from the end of {@code before} up
   * to (excluding) the first step whose text contains {@code <end_of_code>} or {@code
   * <end_of_output>} (or that is an answer), skipping steps that timed out and steps without code.
   *
   * @throws NullPointerException if an argument is null
   */
  public static String programOf(Trajectory before, Step step) {
    List<String> parts = new ArrayList<>();
    List<Step> steps = before.steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (s.text().contains(END_OF_CODE)
          || s.text().contains(END_OF_OUTPUT)
          || s instanceof Step.Answer) {
        break;
      }
      if (s instanceof Step.Code c && !c.isTimeout()) {
        parts.add(c.code());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      sb.append(parts.get(i));
    }
    return step instanceof Step.Code c ? sb.append(c.code()).toString() : sb.toString();
  }

  /**
   * Cuts a raw continuation at the earliest stop string and keeps that stop string.
   *
   * @return the text through the first stop string, or the whole text when there is none
   */
  public static String cutAtStop(String raw) {
    int best = -1;
    String bestStop = null;
    for (String stop : STOP_STRINGS) {
      int i = raw.indexOf(stop);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
        bestStop = stop;
      }
    }
    return best < 0 ? raw : raw.substring(0, best + bestStop.length());
  }

  /** The stop string a text ends with (trailing whitespace ignored), if any. */
  public static Optional<String> stopStringOf(String text) {
    String trimmed = stripTrailingWhitespace(text);
    for (String stop : STOP_STRINGS) {
      if (trimmed.endsWith(stop)) {
        return Optional.of(stop);
      }
    }
    return Optional.empty();
  }

  /**
   * The content of the last {@code \boxed{...}} (or {@code \fbox{...}}) in the text, braces
   * matched; also the MATH form {@code \boxed 5} (up to a {@code $} or the end).
   *
   * @return the content, or empty when there is no complete boxed expression
   */
  public static Optional<String> extractBoxed(String text) {
    int idx = text.lastIndexOf("\\boxed");
    int skip = "\\boxed".length();
    if (idx < 0) {
      idx = text.lastIndexOf("\\fbox");
      skip = "\\fbox".length();
      if (idx < 0) {
        return Optional.empty();
      }
    }
    int i = idx + skip;
    if (i < text.length() && text.charAt(i) == ' ') {
      int end = text.indexOf('$', i);
      String content = (end < 0 ? text.substring(i + 1) : text.substring(i + 1, end)).strip();
      return content.isEmpty() ? Optional.empty() : Optional.of(content);
    }
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i >= text.length() || text.charAt(i) != '{') {
      return Optional.empty();
    }
    int depth = 0;
    for (int j = i; j < text.length(); j++) {
      char ch = text.charAt(j);
      if (ch == '\\' && j + 1 < text.length()) {
        j++; // skip escaped character such as \{ or \}
        continue;
      }
      if (ch == '{') {
        depth++;
      } else if (ch == '}') {
        depth--;
        if (depth == 0) {
          return Optional.of(text.substring(i + 1, j));
        }
      }
    }
    return Optional.empty();
  }

  /** The reference's error test: the output contains "error", case-insensitive. */
  public static boolean looksLikeError(String output) {
    return output.toLowerCase(Locale.ROOT).contains("error");
  }

  /** Whether the text ends with the stop string, trailing whitespace ignored. */
  static boolean endsWithStop(String text, String stop) {
    return stripTrailingWhitespace(text).endsWith(stop);
  }

  private static String stripTrailingWhitespace(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
