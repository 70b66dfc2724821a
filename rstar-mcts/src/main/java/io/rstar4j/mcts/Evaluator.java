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
import io.rstar4j.core.internal.SetOnce;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Runs {@link EvalMethod}s on any list of {@link Problem}s and grades their answers: the evaluation
 * harness behind {@code rstar eval}.
 *
 * <p>Methods never see the gold answers. Problems go {@link Builder#batchProblems} at a time in
 * lock-step: every step of every trajectory (or every rollout of every tree) of the group goes to
 * the policy in one call, every code step to the verifier in one call, every scoring request to the
 * reward model in one call. The policy, the verifier and the reward model are timed, so an {@link
 * Evaluation} says how much of the wall time the engine itself took.
 */
public final class Evaluator {
  private final Policy policy;
  private final Policy greedyPolicy;
  private final Verifier verifier;
  private final RewardModel rewardModel;
  private final AnswerGrader grader;
  private final SearchConfig config;
  private final int batchProblems;
  private final boolean keepTrees;

  private Evaluator(Builder b) {
    this.policy = b.policy;
    this.greedyPolicy = b.greedyPolicy != null ? b.greedyPolicy : b.policy;
    this.verifier = b.verifier;
    this.rewardModel = b.rewardModel;
    this.grader = b.grader;
    this.config = b.config;
    this.batchProblems = b.batchProblems;
    this.keepTrees = b.keepTrees;
  }

  /**
   * A builder; policy and verifier are required.
   *
   * @throws NullPointerException if policy or verifier is null
   */
  public static Builder builder(Policy policy, Verifier verifier) {
    return new Builder(policy, verifier);
  }

  /**
   * Runs one method on the problems.
   *
   * @param onProgress told the number of problems done after each lock-step group (may be null)
   * @throws IllegalStateException if the method needs a reward model and none was given, or a model
   *     breaks its contract
   * @throws io.rstar4j.core.SpiException when a model or the verifier fails
   */
  public Evaluation evaluate(List<Problem> problems, EvalMethod method, IntConsumer onProgress) {
    Objects.requireNonNull(method, "method");
    if (method.needsRewardModel() && rewardModel == null) {
      throw new IllegalStateException(method.family() + " needs a reward model");
    }
    Timed timed = new Timed();
    Policy p = timed.policy(method instanceof EvalMethod.Greedy ? greedyPolicy : policy);
    Verifier v = timed.verifier(verifier);
    RewardModel rm = timed.rewardModel(rewardModel);
    List<Chosen> chosen = new ArrayList<>(problems.size());
    long wall = 0;
    for (int from = 0; from < problems.size(); from += batchProblems) {
      List<Problem> group = new ArrayList<>();
      for (Problem q : problems.subList(from, Math.min(problems.size(), from + batchProblems))) {
        group.add(new Problem(q.id(), q.question(), List.of())); // blind
      }
      long t0 = System.nanoTime();
      List<Chosen> got = run(group, method, p, v, rm);
      wall += System.nanoTime() - t0;
      chosen.addAll(got);
      if (onProgress != null) {
        onProgress.accept(chosen.size());
      }
    }
    List<Evaluation.Outcome> outcomes = new ArrayList<>(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      Problem q = problems.get(i);
      Chosen c = chosen.get(i);
      Optional<Boolean> correct =
          q.hasGold()
              ? Optional.of(
                  c.answer != null && grader.matchesAny(c.answer.answer(), q.goldAnswers()))
              : Optional.empty();
      outcomes.add(
          new Evaluation.Outcome(
              q.id(),
              Optional.ofNullable(c.answer).map(ScoredAnswer::answer),
              correct,
              c.answer != null ? c.answer.score() : Double.NaN,
              keepTrees && c.tree != null ? Optional.of(c.tree.tree()) : Optional.empty()));
    }
    return new Evaluation(
        method,
        outcomes,
        timed.tokens,
        timed.generations,
        new Evaluation.Timing(wall, timed.policyNanos, timed.verifierNanos, timed.rewardNanos));
  }

  /** A problem's chosen answer (null when none) and its search (null for the sampling methods). */
  private record Chosen(ScoredAnswer answer, SearchResult tree) {}

  private List<Chosen> run(
      List<Problem> group, EvalMethod method, Policy p, Verifier v, RewardModel rm) {
    if (method instanceof EvalMethod.Greedy) {
      return bestOfN(group, 1, EvalMethod.Vote.MAJORITY, EvalMethod.Aggregation.LAST, p, v, rm);
    }
    if (method instanceof EvalMethod.BestOfN b) {
      return bestOfN(group, b.n(), b.vote(), b.aggregation(), p, v, rm);
    }
    if (method instanceof EvalMethod.Beam b) {
      return beams(group, 1, b.width(), b.expansions(), b.aggregation(), false, p, v, rm);
    }
    if (method instanceof EvalMethod.Dvts d) {
      return beams(group, d.subtrees(), 1, d.expansions(), d.aggregation(), true, p, v, rm);
    }
    if (method instanceof EvalMethod.Mcts m) {
      LockStepResult r = search(m.rollouts()).apply(p, v, rm).searchAll(group);
      List<Chosen> out = new ArrayList<>();
      for (SearchResult s : r.results()) {
        out.add(new Chosen(s.bestAnswer().orElse(null), s));
      }
      return out;
    }
    EvalMethod.Searches s = (EvalMethod.Searches) method;
    List<Problem> copies = new ArrayList<>();
    for (Problem q : group) {
      for (int k = 0; k < s.k(); k++) {
        copies.add(new Problem(q.id() + "#" + k, q.question(), List.of()));
      }
    }
    LockStepResult r = search(config.rollouts()).apply(p, v, rm).searchAll(copies);
    List<Chosen> out = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      List<SearchResult> mine = r.results().subList(i * s.k(), (i + 1) * s.k());
      List<ScoredAnswer> best = AnswerSelection.bestPerSearch(mine);
      Optional<ScoredAnswer> a =
          switch (s.vote()) {
            case MAJORITY -> AnswerSelection.majorityVote(best, grader);
            case PPM_WEIGHTED -> AnswerSelection.scoreWeightedVote(best, grader);
            default -> AnswerSelection.highestScore(best);
          };
      out.add(new Chosen(a.orElse(null), mine.get(0)));
    }
    return out;
  }

  private interface SearchFactory {
    ReasoningSearch apply(Policy p, Verifier v, RewardModel rm);
  }

  private SearchFactory search(int rollouts) {
    SearchConfig c = config.toBuilder().mode(SearchMode.TEST_TIME).rollouts(rollouts).build();
    return (p, v, rm) ->
        ReasoningSearch.builder(p, v)
            .grader(grader)
            .config(c)
            .rewardModel(rm != null ? rm : RewardModel.constant(0.0))
            .build();
  }

  // ---- sampling methods, all trajectories of a group advancing together ----

  /** A partial solution: its steps, consecutive errors and the reward model's step scores. */
  private record Path(Problem problem, int owner, Trajectory steps, int errors, double[] scores) {
    Path with(Step step, int errors) {
      return new Path(problem, owner, steps.append(step), errors, scores);
    }

    Path scored(double s) {
      double[] n = Arrays.copyOf(scores, scores.length + 1);
      n[scores.length] = s;
      return new Path(problem, owner, steps, errors, n);
    }
  }

  /**
   * One step for every path: one policy call ({@code n} candidates each), one verifier call for
   * every code step; each path's surviving children (duplicates dropped when asked), in order.
   */
  private List<List<Path>> step(List<Path> paths, int n, boolean dedupe, ModelCalls calls) {
    List<PolicyRequest> reqs = new ArrayList<>(paths.size());
    for (Path x : paths) {
      reqs.add(new PolicyRequest(x.problem(), x.steps(), n));
    }
    List<List<Generation>> gens = calls.propose(reqs);
    List<List<Step>> parsed = new ArrayList<>(paths.size());
    List<Verifier.StepInContext> toRun = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      List<Step> mine = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (Generation g : gens.get(i)) {
        if (dedupe && !seen.add(g.text())) {
          continue;
        }
        Step s = Step.parse(g.text());
        if (s instanceof Step.Code) {
          toRun.add(new Verifier.StepInContext(paths.get(i).steps(), s));
          mine.add(s);
        } else if (s instanceof Step.Answer) {
          mine.add(s);
        }
      }
      parsed.add(mine);
    }
    List<ExecutionOutcome> outcomes = calls.execute(toRun);
    int next = 0;
    List<List<Path>> out = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      Path x = paths.get(i);
      List<Path> kids = new ArrayList<>();
      for (Step s : parsed.get(i)) {
        if (s instanceof Step.Code code) {
          ExecutionOutcome o = outcomes.get(next++);
          int errors = o.isError() ? x.errors() + 1 : 0;
          if (errors < config.errorsThreshold()) {
            kids.add(x.with(code.withOutcome(o), errors));
          }
        } else {
          kids.add(x.with(s, 0));
        }
      }
      out.add(kids);
    }
    return out;
  }

  private List<Chosen> bestOfN(
      List<Problem> group,
      int n,
      EvalMethod.Vote vote,
      EvalMethod.Aggregation agg,
      Policy p,
      Verifier v,
      RewardModel rm) {
    ModelCalls calls = new ModelCalls(p, rm, v);
    List<Path> active = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      for (int k = 0; k < n; k++) {
        active.add(new Path(group.get(i), i, Trajectory.empty(), 0, new double[0]));
      }
    }
    List<Path> done = new ArrayList<>();
    for (int depth = 1; depth <= config.engine().maxDepth() && !active.isEmpty(); depth++) {
      List<Path> next = new ArrayList<>();
      for (List<Path> kids : step(active, 1, false, calls)) {
        for (Path c : kids) {
          (c.steps().isComplete() ? done : next).add(c);
        }
      }
      active = next;
    }
    if (vote != EvalMethod.Vote.MAJORITY && !done.isEmpty()) {
      // every prefix of every solution for min / prod, the whole solution for last: one call
      List<RewardRequest> reqs = new ArrayList<>();
      for (Path d : done) {
        List<Step> steps = d.steps().steps();
        for (int len = agg == EvalMethod.Aggregation.LAST ? steps.size() : 1;
            len <= steps.size();
            len++) {
          reqs.add(new RewardRequest(d.problem(), new Trajectory(steps.subList(0, len))));
        }
      }
      double[] s = calls.score(reqs);
      int at = 0;
      List<Path> scored = new ArrayList<>(done.size());
      for (Path d : done) {
        int k = agg == EvalMethod.Aggregation.LAST ? 1 : d.steps().size();
        Path x = d;
        for (int j = 0; j < k; j++) {
          x = x.scored(s[at++]);
        }
        scored.add(x);
      }
      done = scored;
    }
    return choose(group.size(), done, vote, agg);
  }

  private List<Chosen> choose(
      int problems, List<Path> done, EvalMethod.Vote vote, EvalMethod.Aggregation agg) {
    List<List<ScoredAnswer>> per = new ArrayList<>();
    for (int i = 0; i < problems; i++) {
      per.add(new ArrayList<>());
    }
    for (Path d : done) {
      double score = vote == EvalMethod.Vote.MAJORITY ? 1.0 : agg.combine(d.scores());
      per.get(d.owner()).add(new ScoredAnswer(d.steps().answer().orElseThrow(), score));
    }
    List<Chosen> out = new ArrayList<>(problems);
    for (List<ScoredAnswer> answers : per) {
      Optional<ScoredAnswer> a =
          switch (vote) {
            case MAJORITY -> AnswerSelection.majorityVote(answers, grader);
            case PPM_WEIGHTED -> AnswerSelection.scoreWeightedVote(answers, grader);
            default -> AnswerSelection.highestScore(answers);
          };
      out.add(new Chosen(a.orElse(null), null));
    }
    return out;
  }

  /**
   * Beam search ({@code groups} = 1, {@code width} beams) and DVTS ({@code groups} subtrees of
   * width 1): each step every beam asks for {@code expansions} candidates, the reward model scores
   * each new step, completed solutions are set aside, and each group keeps its best {@code width}
   * open candidates. Beam search answers with the best completed solution, DVTS with a weighted
   * vote over all subtrees.
   */
  private List<Chosen> beams(
      List<Problem> group,
      int groups,
      int width,
      int expansions,
      EvalMethod.Aggregation agg,
      boolean weightedVote,
      Policy p,
      Verifier v,
      RewardModel rm) {
    ModelCalls calls = new ModelCalls(p, rm, v);
    // owner = problem * groups + subtree while searching
    List<Path> active = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      for (int g = 0; g < groups; g++) {
        active.add(new Path(group.get(i), i * groups + g, Trajectory.empty(), 0, new double[0]));
      }
    }
    List<Path> done = new ArrayList<>();
    for (int depth = 1; depth <= config.engine().maxDepth() && !active.isEmpty(); depth++) {
      List<Path> kids = new ArrayList<>();
      for (List<Path> k : step(active, expansions, true, calls)) {
        kids.addAll(k);
      }
      List<RewardRequest> reqs = new ArrayList<>(kids.size());
      for (Path k : kids) {
        reqs.add(new RewardRequest(k.problem(), k.steps()));
      }
      double[] s = calls.score(reqs);
      List<List<Path>> open = new ArrayList<>();
      for (int i = 0; i < group.size() * groups; i++) {
        open.add(new ArrayList<>());
      }
      for (int i = 0; i < kids.size(); i++) {
        Path k = kids.get(i).scored(s[i]);
        if (k.steps().isComplete()) {
          done.add(new Path(k.problem(), k.owner() / groups, k.steps(), 0, k.scores()));
        } else {
          open.get(k.owner()).add(k);
        }
      }
      List<Path> next = new ArrayList<>();
      for (List<Path> o : open) {
        o.sort(Comparator.comparingDouble((Path x) -> -x.scores()[x.scores().length - 1]));
        next.addAll(o.subList(0, Math.min(width, o.size())));
      }
      active = next;
    }
    return choose(
        group.size(),
        done,
        weightedVote ? EvalMethod.Vote.PPM_WEIGHTED : EvalMethod.Vote.PPM_BEST,
        agg);
  }

  /**
   * Builder of {@link Evaluator}: every setter validates at once, and setting an option twice fails
   * ("grader was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private final Policy policy;
    private final Verifier verifier;
    private Policy greedyPolicy;
    private RewardModel rewardModel;
    private AnswerGrader grader = AnswerGrader.whitespaceInsensitive();
    private SearchConfig config = SearchConfig.testTime();
    private int batchProblems = 16;
    private boolean keepTrees;

    private Builder(Policy policy, Verifier verifier) {
      this.policy = Objects.requireNonNull(policy, "policy");
      this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * The policy {@link EvalMethod.Greedy} decodes with (default: the policy); give one sampling at
     * temperature 0 for true greedy decoding.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder greedyPolicy(Policy v) {
      set.mark("greedyPolicy");
      greedyPolicy = Objects.requireNonNull(v, "greedyPolicy");
      return this;
    }

    /**
     * The reward model (the PPM): needed by the PPM votes, beam search and DVTS; MCTS and the
     * independent searches score 0 without one.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder rewardModel(RewardModel v) {
      set.mark("rewardModel");
      rewardModel = Objects.requireNonNull(v, "rewardModel");
      return this;
    }

    /**
     * The grader of votes and of the answers against the gold (default {@link
     * AnswerGrader#whitespaceInsensitive()}; real data wants a math grader).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder grader(AnswerGrader v) {
      set.mark("grader");
      grader = Objects.requireNonNull(v, "grader");
      return this;
    }

    /**
     * The search configuration (default {@link SearchConfig#testTime()}): the depth limit and error
     * rule of every method, and for MCTS and the searches everything but the mode (always test
     * time) and, for {@link EvalMethod.Mcts}, the rollouts.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder config(SearchConfig v) {
      set.mark("config");
      config = Objects.requireNonNull(v, "config");
      return this;
    }

    /**
     * Problems run together in lock-step (default 16).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder batchProblems(int v) {
      set.mark("batchProblems");
      batchProblems = Checks.positive("batchProblems", v);
      return this;
    }

    /**
     * Keeps each problem's search tree in its outcome (MCTS and the searches; default false).
     *
     * @throws IllegalStateException if already set
     */
    public Builder keepTrees(boolean v) {
      set.mark("keepTrees");
      keepTrees = v;
      return this;
    }

    /** The evaluator. */
    public Evaluator build() {
      return new Evaluator(this);
    }
  }
}
