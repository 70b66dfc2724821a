package io.rstar4j.mcts;

import io.rstar4j.core.AnswerGrader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Test-time answer selection: within one search, or over the answers of several independent
 * searches. Votes group answers by the grader's equivalence (an answer joins the first group whose
 * first answer it is equivalent to); ties go to the group formed first.
 */
public final class AnswerSelection {
  private AnswerSelection() {}

  /** The answer with the highest score; the first on ties; empty for no answers. */
  public static Optional<ScoredAnswer> highestScore(List<ScoredAnswer> answers) {
    ScoredAnswer best = null;
    for (ScoredAnswer a : answers) {
      if (best == null || a.score() > best.score()) {
        best = a;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The most frequent answer up to equivalence, represented by its group's first answer; the score
   * is the group's size divided by the number of answers.
   */
  public static Optional<ScoredAnswer> majorityVote(
      List<ScoredAnswer> answers, AnswerGrader grader) {
    return vote(answers, grader, false);
  }

  /**
   * The answer whose group has the highest sum of scores, represented by its group's first answer;
   * the score is that sum.
   */
  public static Optional<ScoredAnswer> scoreWeightedVote(
      List<ScoredAnswer> answers, AnswerGrader grader) {
    return vote(answers, grader, true);
  }

  /** The best answer of each search (highest score), in order, skipping searches without one. */
  public static List<ScoredAnswer> bestPerSearch(List<SearchResult> searches) {
    List<ScoredAnswer> out = new ArrayList<>();
    for (SearchResult r : searches) {
      r.bestAnswer().ifPresent(out::add);
    }
    return out;
  }

  private static Optional<ScoredAnswer> vote(
      List<ScoredAnswer> answers, AnswerGrader grader, boolean weighted) {
    Objects.requireNonNull(grader, "grader");
    List<String> reps = new ArrayList<>();
    List<double[]> tallies = new ArrayList<>();
    for (ScoredAnswer a : answers) {
      int g = -1;
      for (int i = 0; i < reps.size(); i++) {
        if (grader.equivalent(a.answer(), reps.get(i))) {
          g = i;
          break;
        }
      }
      if (g < 0) {
        reps.add(a.answer());
        tallies.add(new double[1]);
        g = reps.size() - 1;
      }
      tallies.get(g)[0] += weighted ? a.score() : 1.0;
    }
    int best = -1;
    for (int i = 0; i < reps.size(); i++) {
      if (best < 0 || tallies.get(i)[0] > tallies.get(best)[0]) {
        best = i;
      }
    }
    if (best < 0) {
      return Optional.empty();
    }
    double t = tallies.get(best)[0];
    return Optional.of(new ScoredAnswer(reps.get(best), weighted ? t : t / answers.size()));
  }
}
