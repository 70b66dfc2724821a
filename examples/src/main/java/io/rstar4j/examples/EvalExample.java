package io.rstar4j.examples;

import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Verifier;
import io.rstar4j.mcts.EvalMethod;
import io.rstar4j.mcts.Evaluation;
import io.rstar4j.mcts.Evaluator;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.evolve.Benchmarks;
import io.rstar4j.verify.grade.MathGrader;
import java.util.List;
import java.util.Locale;

/**
 * Evaluate a benchmark slice with two methods through the library API: best-of-N with a majority
 * vote and rStar's MCTS, at the same number of trajectories, each problem group in lock-step.
 *
 * <pre>
 * java -cp rstar.jar io.rstar4j.examples.EvalExample [BENCHMARK|FILE] [PROBLEMS] [N]
 *     [--server URL MODEL | --model DIR] [--cpython]
 * </pre>
 *
 * Defaults: gsm8k, 8 problems, N = 4. Any list of {@code Problem}s works the same way.
 */
public final class EvalExample {
  private EvalExample() {}

  /** Runs the example; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    ExampleArgs a = ExampleArgs.parse(args);
    String benchmark = a.rest.size() > 0 ? a.rest.get(0) : "gsm8k";
    int limit = a.rest.size() > 1 ? Integer.parseInt(a.rest.get(1)) : 8;
    int n = a.rest.size() > 2 ? Integer.parseInt(a.rest.get(2)) : 4;
    List<Problem> all = Benchmarks.load(benchmark);
    List<Problem> problems = all.subList(0, Math.min(limit, all.size()));
    try (Policy policy = a.policy(0.7);
        Verifier verifier = a.verifier()) {
      Evaluator evaluator =
          Evaluator.builder(policy, verifier)
              .grader(MathGrader.standard())
              .config(SearchConfig.testTime().toBuilder().candidates(4).build())
              .batchProblems(16)
              .build();
      List<EvalMethod> methods =
          List.of(
              new EvalMethod.BestOfN(n, EvalMethod.Vote.MAJORITY, EvalMethod.Aggregation.LAST),
              new EvalMethod.Mcts(n));
      System.out.printf(Locale.ROOT, "%s, %d problems%n", benchmark, problems.size());
      for (EvalMethod m : methods) {
        Evaluation e = evaluator.evaluate(problems, m, null);
        double[] ci = e.wilson95();
        Evaluation.Timing t = e.timing();
        System.out.printf(
            Locale.ROOT,
            "%-24s accuracy %d/%d = %.3f (95%% CI %.3f-%.3f), %.1f tokens and %.2f s per"
                + " problem, engine %.1f%% of the time%n",
            m.label(),
            e.correct(),
            e.graded(),
            e.accuracy(),
            ci[0],
            ci[1],
            e.tokensPerProblem(),
            e.secondsPerProblem(),
            100 * t.share(t.engineNanos()));
      }
    }
  }
}
