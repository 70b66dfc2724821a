package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a question with the domain's grammar: splits it into sentences, matches each against every
 * template of the domain (both splits: the reader knows the whole language) and builds the story
 * they tell. A sentence that no template reads, or that does not fit the story, is skipped, as a
 * weak reader skips what it does not understand; the result records how much was read.
 */
final class Reader {
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.?!])\\s+");
  private static final Pattern NUMBER = Pattern.compile("\\$?(\\d+(?:,\\d{3})*(?:\\.\\d+)?)");

  private Reader() {}

  /** What a reading of a question found. */
  record Reading(
      List<Story.ReadStep> steps,
      String target,
      List<BigDecimal> stated,
      List<BigDecimal> distractorNumbers,
      List<BigDecimal> allNumbers,
      int sentences,
      int unread) {

    /** Whether the question was understood to the end: a target and every sentence read. */
    boolean complete() {
      return target != null && unread == 0;
    }

    /** Whether there is a plan to follow at all. */
    boolean hasPlan() {
      return target != null && !steps.isEmpty();
    }
  }

  static Reading read(String question) {
    Story story = new Story(false);
    String[] sentences = SENTENCE_END.split(question.strip());
    int unread = 0;
    for (String raw : sentences) {
      String s = SPACES.matcher(raw.strip()).replaceAll(" ");
      if (s.isEmpty()) {
        continue;
      }
      Story next = readSentence(story, s);
      if (next == null) {
        unread++;
      } else {
        story = next;
      }
    }
    List<BigDecimal> all = new ArrayList<>();
    Matcher m = NUMBER.matcher(question);
    while (m.find()) {
      all.add(Numbers.canonical(new BigDecimal(m.group(1).replace(",", ""))));
    }
    Quantity target = story.target();
    String var = null;
    List<Story.ReadStep> steps = story.neededSteps();
    if (target != null && target.ref() instanceof Operand.Ref r) {
      var = r.variable();
    }
    return new Reading(
        List.copyOf(steps),
        var,
        List.copyOf(story.statedNumbers()),
        List.copyOf(story.distractorNumbers()),
        List.copyOf(all),
        sentences.length,
        unread);
  }

  /** The story after the sentence, or null when no template reads it in this story. */
  private static Story readSentence(Story story, String sentence) {
    for (Template t : Templates.ALL) {
      Map<String, String> slots = t.match(sentence);
      if (slots == null) {
        continue;
      }
      Story next = story.copy();
      try {
        next.apply(t, slots);
        return next;
      } catch (Story.Unreadable | ArithmeticException e) {
        // another template may read it in a way that fits
      }
    }
    return null;
  }
}
