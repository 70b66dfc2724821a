package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar reads back what the generator writes, and nothing that it does not. */
class ReaderTest {

  static List<PlanStep> plan(Reader.Reading r) {
    List<PlanStep> out = new ArrayList<>();
    for (Story.ReadStep s : r.steps()) {
      out.add(s.plan());
    }
    return out;
  }

  @Test
  void readsEveryGeneratedQuestionBackToItsPlan() {
    for (Split split : Split.values()) {
      for (WordProblem p :
          WordProblemGenerator.builder().seed(5).split(split).count(2000).build().generate()) {
        Reader.Reading r = Reader.read(p.question());
        assertTrue(r.complete(), p.id() + " not read completely: " + p.question());
        assertEquals(p.plan().steps(), plan(r), p.id() + ": " + p.question());
      }
    }
  }

  @Test
  void readsAHandWrittenQuestion() {
    Reader.Reading r =
        Reader.read(
            "Tom has 12 apples. He buys 5 more apples. Sara is 9 years old. Sara has twice as"
                + " many apples as Tom. How many apples do Tom and Sara have together?");
    assertTrue(r.complete());
    assertEquals(
        "[apples_now = ADD[12, 5] = 17, sara_apples = MULTIPLY[apples_now, 2] = 34,"
            + " total_apples = ADD[apples_now, sara_apples] = 51]",
        plan(r).toString());
    assertEquals(List.of(new java.math.BigDecimal("9")), r.distractorNumbers());
  }

  @Test
  void pronounsMustFitTheSubject() {
    Reader.Reading r =
        Reader.read(
            "Tom has 12 apples. She buys 5 more apples. How many apples does Tom have now?");
    assertFalse(r.complete());
    assertEquals(1, r.unread());
  }

  @Test
  void skipsWhatItCannotReadLikeAWeakReader() {
    Reader.Reading r =
        Reader.read(
            "Tom has 12 apples. A strange wind blows 4 apples away. He buys 5 more apples. How"
                + " many apples does Tom have now?");
    assertEquals(1, r.unread());
    assertEquals("[apples_now = ADD[12, 5] = 17]", plan(r).toString());
  }

  /** The first questions of GSM8K's test set: text the grammar does not cover. */
  static final List<String> GSM8K =
      List.of(
          "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and"
              + " bakes muffins for her friends every day with four. She sells the remainder at the"
              + " farmers' market daily for $2 per fresh duck egg. How much in dollars does she make"
              + " every day at the farmers' market?",
          "A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in"
              + " total does it take?",
          "Josh decides to try flipping a house.  He buys a house for $80,000 and then puts in"
              + " $50,000 in repairs.  This increased the value of the house by 150%.  How much"
              + " profit did he make?",
          "James decides to run 3 sprints 3 times a week.  He runs 60 meters each sprint.  How many"
              + " total meters does he run a week?");

  @Test
  void doesNotReadGsm8k() {
    for (String q : GSM8K) {
      Reader.Reading r = Reader.read(q);
      assertFalse(r.complete(), q);
      assertFalse(r.allNumbers().isEmpty());
    }
    assertNull(Reader.read("What is the meaning of life?").target());
  }
}
