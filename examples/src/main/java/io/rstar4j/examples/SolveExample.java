package io.rstar4j.examples;

import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Step;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.tree.TreePage;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.ScoredTrajectory;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.verify.grade.MathGrader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Solve one question through the library API: rStar's test-time search with a policy and the code
 * verifier, then the chosen solution step by step with each executed output, the answer, the search
 * statistics and (optionally) the tree page.
 *
 * <pre>
 * java -cp rstar.jar io.rstar4j.examples.SolveExample "QUESTION" [ROLLOUTS] [--html FILE]
 *     [--server URL MODEL | --model DIR] [--cpython]
 * </pre>
 *
 * Without a PPM every answer scores 0, so the first answer found wins; give the search a {@code
 * ProcessPreferenceModel} as its reward model to rank them.
 */
public final class SolveExample {
  private SolveExample() {}

  /** Runs the example; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    if (a.rest.isEmpty()) {
      System.err.println(
          "usage: SolveExample \"QUESTION\" [ROLLOUTS] [--html FILE] [--server URL MODEL |"
              + " --model DIR] [--cpython]");
      System.exit(2);
    }
    String question = a.rest.get(0);
    int rollouts = 16;
    Path html = null;
    for (int i = 1; i < a.rest.size(); i++) {
      if (a.rest.get(i).equals("--html")) {
        html = Path.of(a.rest.get(++i));
      } else {
        rollouts = Integer.parseInt(a.rest.get(i));
      }
    }
    MathGrader grader = MathGrader.standard();
    try (Policy policy = a.policy(0.7);
        Verifier verifier = a.verifier()) {
      ReasoningSearch search =
          ReasoningSearch.builder(policy, verifier)
              .grader(grader)
              .config(
                  SearchConfig.testTime().toBuilder()
                      .mode(SearchMode.TEST_TIME)
                      .rollouts(rollouts)
                      .build())
              .rewardModel(RewardModel.constant(0.0))
              .build();
      SearchResult result = search.search(new Problem("question", question, List.of()));
      Optional<ScoredAnswer> best = result.bestAnswer();
      List<ScoredTrajectory> paths = result.trajectories();
      System.out.println("question: " + question);
      if (best.isEmpty()) {
        System.out.println("no answer found");
      } else {
        ScoredTrajectory chosen = null;
        for (ScoredTrajectory t : paths) {
          if (t.answer().equals(Optional.of(best.get().answer()))
              && (chosen == null || t.leafQ() > chosen.leafQ())) {
            chosen = t;
          }
        }
        int n = 1;
        for (Step s : chosen.steps().steps()) {
          System.out.println("step " + n++ + ":");
          System.out.println("  " + s.text().strip().replace("\n", "\n  "));
          if (s instanceof Step.Code c && c.outcome().isPresent()) {
            System.out.println("  => " + c.outcome().get().text().strip().replace("\n", "\n     "));
          }
        }
        System.out.println("answer: " + best.get().answer() + " (Q " + best.get().score() + ")");
      }
      long answers = paths.stream().filter(t -> t.answer().isPresent()).count();
      System.out.println(
          "search: "
              + rollouts
              + " rollouts, "
              + result.nodeCount()
              + " nodes, "
              + paths.size()
              + " trajectories, "
              + answers
              + " with an answer");
      if (html != null) {
        TreePage.builder(question).add(result.tree(), null, -1, grader).build().write(html);
        System.out.println("tree page: " + html);
      }
    }
  }
}
