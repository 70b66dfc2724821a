package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/** Properties of generated problems over seeds, splits, levels and options. */
class WordProblemPropertiesTest {

  @Test
  void anyProblemIsExactReadableAndInItsLevel() {
    qt().withExamples(300)
        .forAll(
            SourceDSL.longs().all(),
            SourceDSL.integers().between(1, 8),
            SourceDSL.integers().between(0, 1),
            SourceDSL.integers().between(0, 10_000))
        .checkAssert(
            (seed, level, split, index) -> {
              Split sp = Split.values()[split];
              WordProblem p =
                  WordProblemGenerator.builder()
                      .seed(seed)
                      .split(sp)
                      .difficulty(level)
                      .build()
                      .problem(index);
              int n = p.plan().steps().size();
              assertTrue(n >= Composer.OPS[level - 1][0] && n <= Composer.OPS[level - 1][1]);
              assertEquals(PlanEvaluator.answer(p.plan()), p.answer());
              assertTrue(new BigDecimal(p.answer()).scale() <= 2);
              Reader.Reading r = Reader.read(p.question());
              assertTrue(r.complete(), p.question());
              assertEquals(p.plan().steps(), ReaderTest.plan(r));
              Set<String> held = Templates.heldOut(0.25);
              for (String t : p.templates()) {
                assertEquals(sp == Split.TEST, held.contains(t), t);
              }
            });
  }

  @Test
  void anyShareHoldsOutEachGroupOnBothSides() {
    qt().withExamples(60)
        .forAll(SourceDSL.doubles().between(0.01, 0.9), SourceDSL.longs().all())
        .checkAssert(
            (share, seed) -> {
              Set<String> held = Templates.heldOut(share);
              WordProblem tr =
                  WordProblemGenerator.builder()
                      .seed(seed)
                      .heldOutTemplateShare(share)
                      .build()
                      .problem(3);
              WordProblem te =
                  WordProblemGenerator.builder()
                      .seed(seed)
                      .heldOutTemplateShare(share)
                      .split(Split.TEST)
                      .build()
                      .problem(3);
              for (String t : tr.templates()) {
                assertTrue(!held.contains(t));
              }
              for (String t : te.templates()) {
                assertTrue(held.contains(t));
              }
            });
  }

  @Test
  void distractorRateZeroMeansNoDistractors() {
    qt().withExamples(80)
        .forAll(SourceDSL.longs().all(), SourceDSL.integers().between(1, 8))
        .checkAssert(
            (seed, level) ->
                assertEquals(
                    0,
                    WordProblemGenerator.builder()
                        .seed(seed)
                        .difficulty(level)
                        .distractorRate(0)
                        .build()
                        .problem(0)
                        .distractors()));
  }
}
