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
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.mcts.engine.Mcts;
import io.rstar4j.mcts.engine.NewChild;
import io.rstar4j.mcts.engine.Rollout;
import io.rstar4j.mcts.engine.SearchTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * rStar-Math's search over reasoning steps, on the generic {@link Mcts} engine and the SPI.
 *
 * <p>Each rollout goes down level by level; a childless node is expanded with the policy's
 * candidates: duplicates (same text before the stop string) removed; if any candidate ends {@code
 * <end_of_answer>}, only the first such is kept; code steps are run by the verifier and counted as
 * consecutive errors (terminal with -1 on themselves at {@code errorsThreshold}); new non-terminal
 * nodes deeper than {@code maxDepth} are terminal with -1 on themselves; answers get +1/-1 against
 * the gold answer (the gold modes) or the reward model's score (test time), propagated to the root;
 * in the PPM modes every other new node starts with the reward model's score on itself only.
 *
 * <p>The code steps of a round run in one {@code Verifier.executeSteps} call, so a pooled verifier
 * can run them concurrently.
 *
 * <p>Many problems advance in lock-step ({@link #searchAll(List)}): each round, every tree's
 * pending expansion goes to the policy in one batch and every new node to be scored goes to the
 * reward model in one batch. A single search is the same loop with one tree.
 */
public final class ReasoningSearch {
  private static final System.Logger LOG = System.getLogger(ReasoningSearch.class.getName());
  private final Policy policy;
  private final Verifier verifier;
  private final AnswerGrader grader;
  private final RewardModel rewardModel;
  private final SearchConfig config;

  private ReasoningSearch(Builder b) {
    this.policy = b.policy;
    this.verifier = b.verifier;
    this.grader = b.grader;
    this.rewardModel = b.rewardModel;
    this.config = b.config;
  }

  /**
   * A builder; policy and verifier are required, a reward model for the PPM modes.
   *
   * @throws NullPointerException if policy or verifier is null
   */
  public static Builder builder(Policy policy, Verifier verifier) {
    return new Builder(policy, verifier);
  }

  /** The configuration. */
  public SearchConfig config() {
    return config;
  }

  /**
   * The grader that checks answers against the gold answers in the gold modes; also used by those
   * who run this search to grade its chosen answers ({@code SearchRunner}).
   */
  public AnswerGrader grader() {
    return grader;
  }

  /**
   * Searches one problem.
   *
   * @throws IllegalArgumentException in a gold mode when the problem has no gold answer
   * @throws IllegalStateException when a model breaks its contract (wrong batch size, score outside
   *     [-1, 1])
   */
  public SearchResult search(Problem problem) {
    return searchAll(List.of(problem)).results().get(0);
  }

  /**
   * Searches many problems in lock-step: each round hands every pending expansion to the policy in
   * one call and every scoring request to the reward model in one call.
   *
   * @throws IllegalArgumentException in a gold mode when a problem has no gold answer
   * @throws IllegalStateException when a model breaks its contract
   */
  public LockStepResult searchAll(List<Problem> problems) {
    List<TreeRun> runs = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      Objects.requireNonNull(p, "problem");
      if (config.mode().usesGold() && !p.hasGold()) {
        throw new IllegalArgumentException(
            "problem " + p.id() + " has no gold answer; " + config.mode() + " needs one");
      }
      runs.add(new TreeRun(p, new Mcts<>(RNode.ROOT, config.engine())));
    }
    List<Integer> policyBatches = new ArrayList<>();
    List<Integer> rewardBatches = new ArrayList<>();
    long generations = 0;
    while (true) {
      // every rollout waiting for an expansion; rollouts of one tree waiting on the same node
      // share the first one's request (with virtual loss this is rare)
      List<TreeRun> owners = new ArrayList<>();
      List<Rollout<RNode>> pending = new ArrayList<>();
      List<Rollout<RNode>> followers = new ArrayList<>();
      for (TreeRun r : runs) {
        Set<Integer> requested = new HashSet<>();
        for (Rollout<RNode> ro : r.pending(config.rollouts(), config.rolloutsInFlight())) {
          if (requested.add(ro.node())) {
            owners.add(r);
            pending.add(ro);
          } else {
            followers.add(ro);
          }
        }
      }
      if (pending.isEmpty()) {
        break;
      }
      List<PolicyRequest> requests = new ArrayList<>(pending.size());
      List<Trajectory> partials = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        TreeRun r = owners.get(i);
        Trajectory t = r.partial(pending.get(i).node());
        partials.add(t);
        requests.add(new PolicyRequest(r.problem, t, config.candidates()));
      }
      List<List<Generation>> generated = policy.propose(requests);
      policyBatches.add(requests.size());
      if (generated == null || generated.size() != requests.size()) {
        throw new IllegalStateException(
            "the policy returned "
                + (generated == null ? "null" : generated.size() + " lists")
                + " for "
                + requests.size()
                + " requests");
      }
      List<List<Candidate>> candidates = new ArrayList<>(pending.size());
      List<RewardRequest> scoring = new ArrayList<>();
      List<Candidate> scored = new ArrayList<>();
      List<Candidate> toRun = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        TreeRun r = owners.get(i);
        int leaf = pending.get(i).node();
        SearchTree<RNode> tree = r.mcts.tree();
        if (generated.get(i) == null) {
          throw new IllegalStateException("the policy returned null for request " + i);
        }
        generations += generated.get(i).size();
        List<Candidate> cs =
            candidates(
                r.problem, tree.state(leaf), tree.depth(leaf), partials.get(i), generated.get(i));
        for (Candidate c : cs) {
          if (c.node == null) {
            toRun.add(c);
          }
        }
        candidates.add(cs);
      }
      runCode(toRun);
      for (int i = 0; i < pending.size(); i++) {
        for (Candidate c : candidates.get(i)) {
          if (c.needsScore) {
            scoring.add(
                new RewardRequest(owners.get(i).problem, partials.get(i).append(c.node.step)));
            scored.add(c);
          }
        }
      }
      if (!scoring.isEmpty()) {
        double[] s = rewardModel.score(scoring);
        rewardBatches.add(scoring.size());
        if (s == null || s.length != scoring.size()) {
          throw new IllegalStateException(
              "the reward model returned "
                  + (s == null ? "null" : s.length + " scores")
                  + " for "
                  + scoring.size()
                  + " requests");
        }
        for (int j = 0; j < s.length; j++) {
          if (!(s[j] >= -1 && s[j] <= 1)) {
            throw new IllegalStateException("reward model score outside [-1, 1]: " + s[j]);
          }
          scored.get(j).value = s[j];
        }
      }
      for (int i = 0; i < pending.size(); i++) {
        List<Candidate> cs = candidates.get(i);
        List<NewChild<RNode>> children = new ArrayList<>(cs.size());
        for (Candidate c : cs) {
          children.add(new NewChild<>(c.node, c.terminal, c.update, c.value, 1.0));
        }
        pending.get(i).expand(children);
      }
      for (Rollout<RNode> f : followers) {
        f.expand(List.of()); // its node was expanded by the rollout it shared a request with
      }
    }
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "searched {0} problem(s) in {1} rounds: {2} expansion"
              + " requests, {3} scoring requests, {4} generations",
          runs.size(),
          policyBatches.size(),
          policyBatches.stream().mapToLong(Integer::longValue).sum(),
          rewardBatches.stream().mapToLong(Integer::longValue).sum(),
          generations);
    }
    List<SearchResult> results = new ArrayList<>(runs.size());
    for (TreeRun r : runs) {
      results.add(new SearchResult(r.problem, config, r.mcts.tree()));
    }
    return new LockStepResult(results, new BatchStats(policyBatches, rewardBatches, generations));
  }

  /** One new child before it enters the tree. */
  private static final class Candidate {
    RNode node;
    // set for code steps until they have run
    Step step;
    String text;
    Trajectory partial;
    int parentErrors;
    int depth;
    boolean terminal;
    NewChild.Update update = NewChild.Update.NONE;
    double value;
    boolean needsScore;
  }

  /** Expansion steps 1-4 of the reference for one node, minus the reward model call. */
  private List<Candidate> candidates(
      Problem problem, RNode parent, int parentDepth, Trajectory partial, List<Generation> gens) {
    // 1. de-duplicate on the text before the stop string
    List<String> texts = new ArrayList<>(gens.size());
    List<String> stops = new ArrayList<>(gens.size());
    Set<String> seen = new HashSet<>();
    for (Generation g : gens) {
      String text = g.text();
      String stop = StepFormat.stopStringOf(text).orElse(null);
      String body = text;
      if (stop != null) {
        String trimmed = text.stripTrailing();
        body = trimmed.substring(0, trimmed.length() - stop.length());
      }
      if (seen.add(body)) {
        texts.add(text);
        stops.add(stop);
      }
    }
    // 2. the answer rule: only the first answer step survives, and nothing else
    for (int i = 0; i < texts.size(); i++) {
      if (StepFormat.END_OF_ANSWER.equals(stops.get(i))) {
        texts = List.of(texts.get(i));
        stops = List.of(stops.get(i));
        break;
      }
    }
    // 3. classify, run code, terminal values
    SearchMode mode = config.mode();
    int depth = parentDepth + 1;
    List<Candidate> out = new ArrayList<>(texts.size());
    for (int t = 0; t < texts.size(); t++) {
      String text = texts.get(t);
      Step step = Step.parse(text);
      Candidate c = new Candidate();
      if (step instanceof Step.Answer answer) {
        c.terminal = true;
        c.node = new RNode(step, NodeKind.ANSWER, 0, text, answer.answer());
        if (mode.usesGold()) {
          boolean correct = grader.matchesAny(answer.answer(), problem.goldAnswers());
          c.update = NewChild.Update.BACKPROP;
          c.value = correct ? 1.0 : -1.0;
        } else {
          c.update = NewChild.Update.BACKPROP;
          c.needsScore = true;
        }
        out.add(c);
        continue;
      }
      if (stops.get(t) == null) {
        // no stop string at all: the generation ran out; a terminal with -1 on itself
        c.terminal = true;
        c.update = NewChild.Update.SELF;
        c.value = -1.0;
        c.node = new RNode(step, NodeKind.UNPARSABLE, parent.errors, text, null);
        out.add(c);
        continue;
      }
      // every other step is run, as the reference runs it (a step that ends <end_of_answer> without
      // \boxed{} included: it is no answer, so it is treated as a code step); see finishCode
      c.step = step;
      c.text = text;
      c.partial = partial;
      c.parentErrors = parent.errors;
      c.depth = depth;
      out.add(c);
    }
    return out;
  }

  /** Runs every code step of a round in one {@code Verifier.executeSteps} call. */
  private void runCode(List<Candidate> toRun) {
    if (toRun.isEmpty()) {
      return;
    }
    List<Verifier.StepInContext> steps = new ArrayList<>(toRun.size());
    for (Candidate c : toRun) {
      steps.add(new Verifier.StepInContext(c.partial, c.step));
    }
    List<ExecutionOutcome> outcomes = verifier.executeSteps(steps);
    if (outcomes == null || outcomes.size() != steps.size()) {
      throw new IllegalStateException(
          "the verifier returned "
              + (outcomes == null ? "null" : outcomes.size() + " outcomes")
              + " for "
              + steps.size()
              + " steps");
    }
    for (int i = 0; i < toRun.size(); i++) {
      finishCode(toRun.get(i), outcomes.get(i));
    }
  }

  /** Expansion step 3 for a code step that ran: error counting, the depth limit, PPM scoring. */
  private void finishCode(Candidate c, ExecutionOutcome outcome) {
    if (outcome == null) {
      throw new IllegalStateException("the verifier returned null");
    }
    Step ran = c.step instanceof Step.Code code ? code.withOutcome(outcome) : c.step;
    int errors = 0;
    NodeKind kind = NodeKind.STEP;
    boolean terminalError = false;
    if (outcome.isError()) {
      errors = c.parentErrors + 1;
      if (errors >= config.errorsThreshold()) {
        terminalError = true;
        kind = NodeKind.CODE_ERROR;
        c.terminal = true;
        c.update = NewChild.Update.SELF;
        c.value = -1.0;
      }
    }
    if (!c.terminal && c.depth > config.engine().maxDepth()) {
      kind = NodeKind.TOO_DEEP;
      c.terminal = true;
      c.update = NewChild.Update.SELF;
      c.value = -1.0;
    }
    if (!c.terminal && config.mode().usesRewardModel()) {
      c.update = NewChild.Update.SELF;
      c.needsScore = true;
    }
    c.node = new RNode(ran, kind, errors, RNode.codeText(c.text, outcome, terminalError), null);
  }

  /** One problem's tree and its rollout in progress. */
  private static final class TreeRun {
    final Problem problem;
    final Mcts<RNode> mcts;
    final List<Rollout<RNode>> inFlight = new ArrayList<>();
    int started;

    TreeRun(Problem problem, Mcts<RNode> mcts) {
      this.problem = problem;
      this.mcts = mcts;
    }

    /**
     * Drops finished rollouts and starts new ones until {@code k} are in flight or all {@code
     * rollouts} have started; returns those in flight, each waiting for an expansion.
     */
    List<Rollout<RNode>> pending(int rollouts, int k) {
      inFlight.removeIf(Rollout::isDone);
      while (inFlight.size() < k && started < rollouts) {
        Rollout<RNode> ro = mcts.startRollout();
        started++;
        if (!ro.isDone()) {
          inFlight.add(ro);
        }
      }
      return inFlight;
    }

    /** The steps from the root (excluded) down to node n. */
    Trajectory partial(int n) {
      SearchTree<RNode> tree = mcts.tree();
      List<Step> steps = new ArrayList<>(tree.depth(n));
      for (int m = n; m != tree.root(); m = tree.parent(m)) {
        steps.add(tree.state(m).step);
      }
      java.util.Collections.reverse(steps);
      return new Trajectory(steps);
    }
  }

  /**
   * Builder of {@link ReasoningSearch}: every setter validates at once, and setting an option twice
   * fails ("grader was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private final Policy policy;
    private final Verifier verifier;
    private AnswerGrader grader = AnswerGrader.whitespaceInsensitive();
    private RewardModel rewardModel;
    private SearchConfig config = SearchConfig.bootstrapRound();

    private Builder(Policy policy, Verifier verifier) {
      this.policy = Objects.requireNonNull(policy, "policy");
      this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * The answer grader: the one place a search's grader is set (default {@link
     * AnswerGrader#whitespaceInsensitive()}, the golden-tree scripts' rule; real data wants a math
     * grader).
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
     * The reward model, required for the PPM-augmented and test-time modes.
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
     * The configuration (default {@link SearchConfig#bootstrapRound()}).
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
     * The search.
     *
     * @throws IllegalStateException if the mode needs a reward model and none was given
     */
    public ReasoningSearch build() {
      if (config.mode().usesRewardModel() && rewardModel == null) {
        throw new IllegalStateException(config.mode() + " needs a reward model");
      }
      return new ReasoningSearch(this);
    }
  }
}
