package io.rstar4j.mcts;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Baselines to compare the search against for the same generation budget ({@link
 * BatchStats#generations()}): best-of-N sampling and step-level beam search. Both run code steps
 * through the verifier with the same consecutive-error rule as the search and batch their model
 * calls (one policy call and at most one reward call per level); what the models return is checked
 * against their contracts in the same place as the search's.
 */
public final class Baselines {
  private Baselines() {}

  /** How best-of-N picks its answer. */
  public enum Choice {
    /** The complete solution the reward model scores highest. */
    REWARD_MODEL,
    /** The most frequent answer, by the grader's equivalence. */
    MAJORITY
  }

  /**
   * What a baseline produced.
   *
   * @param answer the chosen answer, if any solution completed
   * @param candidates every completed solution's answer with its score (the reward model's, or 1
   *     for majority voting), in completion order
   * @param stats the batches handed to the models
   */
  public record Result(
      Optional<ScoredAnswer> answer, List<ScoredAnswer> candidates, BatchStats stats) {
    public Result {
      Objects.requireNonNull(answer, "answer");
      candidates = List.copyOf(candidates);
      Objects.requireNonNull(stats, "stats");
    }
  }

  /**
   * Best-of-N: N solutions sampled step by step (one candidate per step, the N samples advancing
   * together), then the best one by the reward model or a majority vote.
   *
   * @param rewardModel required for {@link Choice#REWARD_MODEL}, else may be null
   * @throws IllegalArgumentException if n, maxDepth or errorsThreshold is below 1
   * @throws NullPointerException if a required argument is null
   */
  public static Result bestOfN(
      Problem problem,
      Policy policy,
      Verifier verifier,
      RewardModel rewardModel,
      AnswerGrader grader,
      int n,
      int maxDepth,
      int errorsThreshold,
      Choice choice) {
    check(n, maxDepth, errorsThreshold);
    Objects.requireNonNull(choice, "choice");
    if (choice == Choice.REWARD_MODEL) {
      Objects.requireNonNull(rewardModel, "rewardModel");
    }
    Objects.requireNonNull(grader, "grader");
    ModelCalls calls = new ModelCalls(policy, rewardModel, verifier);
    List<Partial> active = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      active.add(new Partial(Trajectory.empty(), 0));
    }
    List<Trajectory> done = new ArrayList<>();
    for (int depth = 1; depth <= maxDepth && !active.isEmpty(); depth++) {
      List<List<Generation>> gens = calls.propose(requests(problem, active, 1));
      List<Partial> next = new ArrayList<>();
      for (int i = 0; i < active.size(); i++) {
        if (gens.get(i).isEmpty()) {
          continue;
        }
        Partial p = active.get(i);
        Partial c = extend(p, gens.get(i).get(0), calls, errorsThreshold);
        if (c == null) {
          continue;
        }
        if (c.steps.isComplete()) {
          done.add(c.steps);
        } else {
          next.add(c);
        }
      }
      active = next;
    }
    List<ScoredAnswer> answers = new ArrayList<>();
    if (choice == Choice.REWARD_MODEL && !done.isEmpty()) {
      double[] s = calls.score(rewardRequests(problem, done));
      for (int i = 0; i < done.size(); i++) {
        answers.add(new ScoredAnswer(done.get(i).answer().orElseThrow(), s[i]));
      }
      return new Result(AnswerSelection.highestScore(answers), answers, calls.stats());
    }
    for (Trajectory t : done) {
      answers.add(new ScoredAnswer(t.answer().orElseThrow(), 1.0));
    }
    return new Result(AnswerSelection.majorityVote(answers, grader), answers, calls.stats());
  }

  /**
   * Step-level beam search: each level, every beam asks for {@code expansionsPerBeam} candidates
   * (duplicates removed); completed answers are scored by the reward model and set aside, other
   * candidates are scored by the reward model and the best {@code beamWidth} go on. The answer is
   * the completed solution with the highest score.
   *
   * @throws IllegalArgumentException if a count is below 1
   * @throws NullPointerException if an argument is null
   */
  public static Result beamSearch(
      Problem problem,
      Policy policy,
      Verifier verifier,
      RewardModel rewardModel,
      int beamWidth,
      int expansionsPerBeam,
      int maxDepth,
      int errorsThreshold) {
    check(beamWidth, maxDepth, errorsThreshold);
    Checks.positive("expansionsPerBeam", expansionsPerBeam);
    Objects.requireNonNull(rewardModel, "rewardModel");
    ModelCalls calls = new ModelCalls(policy, rewardModel, verifier);
    List<Partial> beams = List.of(new Partial(Trajectory.empty(), 0));
    List<ScoredAnswer> answers = new ArrayList<>();
    for (int depth = 1; depth <= maxDepth && !beams.isEmpty(); depth++) {
      List<List<Generation>> gens = calls.propose(requests(problem, beams, expansionsPerBeam));
      List<Partial> open = new ArrayList<>();
      List<Trajectory> complete = new ArrayList<>();
      for (int i = 0; i < beams.size(); i++) {
        Set<String> seen = new HashSet<>();
        for (Generation g : gens.get(i)) {
          if (!seen.add(g.text())) {
            continue;
          }
          Partial c = extend(beams.get(i), g, calls, errorsThreshold);
          if (c == null) {
            continue;
          }
          if (c.steps.isComplete()) {
            complete.add(c.steps);
          } else {
            open.add(c);
          }
        }
      }
      List<Trajectory> toScore = new ArrayList<>(complete);
      for (Partial p : open) {
        toScore.add(p.steps);
      }
      if (toScore.isEmpty()) {
        break;
      }
      double[] s = calls.score(rewardRequests(problem, toScore));
      for (int i = 0; i < complete.size(); i++) {
        answers.add(new ScoredAnswer(complete.get(i).answer().orElseThrow(), s[i]));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < open.size(); i++) {
        order.add(i);
      }
      int offset = complete.size();
      order.sort(Comparator.comparingDouble((Integer i) -> -s[offset + i]));
      List<Partial> next = new ArrayList<>();
      for (int i = 0; i < Math.min(beamWidth, order.size()); i++) {
        next.add(open.get(order.get(i)));
      }
      beams = next;
    }
    return new Result(AnswerSelection.highestScore(answers), answers, calls.stats());
  }

  private static void check(int n, int maxDepth, int errorsThreshold) {
    Checks.positive("n / beamWidth", n);
    Checks.positive("maxDepth", maxDepth);
    Checks.positive("errorsThreshold", errorsThreshold);
  }

  /** A partial solution and its consecutive error count. */
  private static final class Partial {
    final Trajectory steps;
    final int errors;

    Partial(Trajectory steps, int errors) {
      this.steps = steps;
      this.errors = errors;
    }
  }

  /** The partial extended by one generation, or null when it dies (error limit, unparsable). */
  private static Partial extend(Partial p, Generation g, ModelCalls calls, int errorsThreshold) {
    Step step = Step.parse(g.text());
    if (step instanceof Step.Answer) {
      return new Partial(p.steps.append(step), 0);
    }
    if (!(step instanceof Step.Code code)) {
      return null;
    }
    ExecutionOutcome outcome = calls.execute(p.steps, code);
    int errors = outcome.isError() ? p.errors + 1 : 0;
    if (errors >= errorsThreshold) {
      return null;
    }
    return new Partial(p.steps.append(code.withOutcome(outcome)), errors);
  }

  private static List<PolicyRequest> requests(Problem problem, List<Partial> partials, int n) {
    List<PolicyRequest> reqs = new ArrayList<>(partials.size());
    for (Partial p : partials) {
      reqs.add(new PolicyRequest(problem, p.steps, n));
    }
    return reqs;
  }

  private static List<RewardRequest> rewardRequests(Problem problem, List<Trajectory> ts) {
    List<RewardRequest> reqs = new ArrayList<>(ts.size());
    for (Trajectory t : ts) {
      reqs.add(new RewardRequest(problem, t));
    }
    return reqs;
  }
}
