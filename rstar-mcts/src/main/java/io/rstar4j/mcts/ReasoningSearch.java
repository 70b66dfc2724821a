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
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * can run them concurrently. What the models and the verifier return is checked against their
 * contracts at the boundary, in one place shared with the {@link Baselines}.
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
   * one call, every code step to the verifier in one call and every scoring request to the reward
   * model in one call.
   *
   * <p>A round runs six phases, the way mctx writes {@code simulate / expand / backward}: {@code
   * gather} the rollouts waiting for an expansion, {@code propose} candidates for them, {@code
   * classify} each node's candidates (pure: de-duplication, the answer rule, parsing), {@code
   * verify} them (run the code steps, grade the answers, apply the error and depth rules), {@code
   * score} the new nodes the mode values with the reward model, and {@code commit} the children to
   * the trees, which backs their values up.
   *
   * @throws IllegalArgumentException in a gold mode when a problem has no gold answer
   * @throws IllegalStateException when a model breaks its contract
   * @throws io.rstar4j.core.SpiException when a model or the verifier fails
   */
  public LockStepResult searchAll(List<Problem> problems) {
    List<TreeRun> runs = plant(problems);
    ModelCalls calls = new ModelCalls(policy, rewardModel, verifier);
    for (Round round = gather(runs); !round.isEmpty(); round = gather(runs)) {
      List<List<Generation>> proposals = propose(round, calls);
      List<List<Candidate>> candidates = new ArrayList<>(proposals.size());
      for (List<Generation> p : proposals) {
        candidates.add(classify(p));
      }
      List<List<Child>> children = verify(round, candidates, calls);
      double[] scores = score(round, children, calls);
      commit(round, children, scores);
    }
    BatchStats stats = calls.stats();
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "searched {0} problem(s) in {1} rounds: {2} expansion"
              + " requests, {3} scoring requests, {4} generations",
          runs.size(),
          stats.policyBatches().size(),
          stats.policyRequests(),
          stats.rewardRequests(),
          stats.generations());
    }
    List<SearchResult> results = new ArrayList<>(runs.size());
    for (TreeRun r : runs) {
      results.add(new SearchResult(r.problem, config, r.mcts.tree()));
    }
    return new LockStepResult(results, stats);
  }

  private List<TreeRun> plant(List<Problem> problems) {
    List<TreeRun> runs = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      Objects.requireNonNull(p, "problem");
      if (config.mode().usesGold() && !p.hasGold()) {
        throw new IllegalArgumentException(
            "problem " + p.id() + " has no gold answer; " + config.mode() + " needs one");
      }
      runs.add(new TreeRun(p, new Mcts<>(RNode.ROOT, config.engine())));
    }
    return runs;
  }

  // ---- the phases of one lock-step round ----

  /**
   * One node waiting for its children.
   *
   * @param run the tree
   * @param rollout the rollout paused at the node
   * @param parent the node's state
   * @param depth the node's depth
   * @param partial the steps from the root down to the node
   */
  private record Expansion(
      TreeRun run, Rollout<RNode> rollout, RNode parent, int depth, Trajectory partial) {}

  /**
   * The expansions of one round, and the rollouts that wait on a node another rollout of the same
   * tree asked for (with virtual loss this is rare): they go on once it is expanded.
   */
  private record Round(List<Expansion> expansions, List<Rollout<RNode>> followers) {
    boolean isEmpty() {
      return expansions.isEmpty();
    }
  }

  /** Gather: every rollout waiting for an expansion, one request per node. */
  private Round gather(List<TreeRun> runs) {
    List<Expansion> expansions = new ArrayList<>();
    List<Rollout<RNode>> followers = new ArrayList<>();
    for (TreeRun r : runs) {
      Set<Integer> requested = new HashSet<>();
      for (Rollout<RNode> ro : r.pending(config.rollouts(), config.rolloutsInFlight())) {
        int n = ro.node();
        if (requested.add(n)) {
          SearchTree<RNode> tree = r.mcts.tree();
          expansions.add(new Expansion(r, ro, tree.state(n), tree.depth(n), r.partial(n)));
        } else {
          followers.add(ro);
        }
      }
    }
    return new Round(expansions, followers);
  }

  /** Propose: one policy call for every expansion of the round. */
  private List<List<Generation>> propose(Round round, ModelCalls calls) {
    List<PolicyRequest> requests = new ArrayList<>(round.expansions().size());
    for (Expansion e : round.expansions()) {
      requests.add(new PolicyRequest(e.run().problem, e.partial(), config.candidates()));
    }
    return calls.propose(requests);
  }

  /** What a candidate is, once classified. */
  sealed interface Candidate {
    /** The step, parsed from the generation. */
    Step step();

    /** A final answer step. */
    record Answer(Step.Answer step) implements Candidate {}

    /** A generation without any stop string (it ran out): a terminal with -1 on itself. */
    record Truncated(Step step) implements Candidate {}

    /**
     * A step the verifier runs: a code step, or (as the reference runs it) a step ending {@code
     * <end_of_answer>} without a {@code \boxed{}}, which is no answer.
     */
    record Code(Step step) implements Candidate {}
  }

  /**
   * Classify, expansion steps 1-2 of the reference, pure: drops a candidate whose text before the
   * stop string equals an earlier one's; if any candidate stops with {@code <end_of_answer>}, keeps
   * only the first such; parses each survivor into a step.
   */
  static List<Candidate> classify(List<Generation> generations) {
    List<String> texts = new ArrayList<>(generations.size());
    List<Optional<String>> stops = new ArrayList<>(generations.size());
    Set<String> seen = new HashSet<>();
    for (Generation g : generations) {
      String text = g.text();
      Optional<String> stop = StepFormat.stopStringOf(text);
      String body = text;
      if (stop.isPresent()) {
        String trimmed = text.stripTrailing();
        body = trimmed.substring(0, trimmed.length() - stop.get().length());
      }
      if (seen.add(body)) {
        texts.add(text);
        stops.add(stop);
      }
    }
    for (int i = 0; i < texts.size(); i++) {
      if (stops.get(i).filter(StepFormat.END_OF_ANSWER::equals).isPresent()) {
        texts = List.of(texts.get(i));
        stops = List.of(stops.get(i));
        break;
      }
    }
    List<Candidate> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      Step step = Step.parse(texts.get(i));
      out.add(
          step instanceof Step.Answer a
              ? new Candidate.Answer(a)
              : stops.get(i).isEmpty() ? new Candidate.Truncated(step) : new Candidate.Code(step));
    }
    return out;
  }

  /**
   * A new child before it enters the tree.
   *
   * @param node its state
   * @param terminal whether it is terminal at creation
   * @param update how its value is applied
   * @param value the value, unless {@code scored}
   * @param scored whether the reward model gives its value
   */
  record Child(
      RNode node, boolean terminal, NewChild.Update update, double value, boolean scored) {}

  /**
   * Verify: runs every code step of the round in one verifier call, grades the answers in the gold
   * modes, and settles each candidate's terminal flag and value ({@link #settleAnswer}, {@link
   * #settleCode}).
   */
  private List<List<Child>> verify(
      Round round, List<List<Candidate>> candidates, ModelCalls calls) {
    List<Verifier.StepInContext> toRun = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      for (Candidate c : candidates.get(i)) {
        if (c instanceof Candidate.Code) {
          toRun.add(new Verifier.StepInContext(round.expansions().get(i).partial(), c.step()));
        }
      }
    }
    Iterator<ExecutionOutcome> outcomes = calls.execute(toRun).iterator();
    List<List<Child>> out = new ArrayList<>(candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      Expansion e = round.expansions().get(i);
      List<Child> children = new ArrayList<>(candidates.get(i).size());
      for (Candidate c : candidates.get(i)) {
        if (c instanceof Candidate.Answer a) {
          boolean correct =
              config.mode().usesGold()
                  && grader.matchesAny(a.step().answer(), e.run().problem.goldAnswers());
          children.add(settleAnswer(a.step(), config.mode(), correct));
        } else if (c instanceof Candidate.Truncated t) {
          children.add(
              new Child(
                  new RNode(
                      t.step(), NodeKind.UNPARSABLE, e.parent().errors, t.step().text(), null),
                  true,
                  NewChild.Update.SELF,
                  -1.0,
                  false));
        } else {
          children.add(settleCode(c.step(), outcomes.next(), e.parent().errors, e.depth() + 1));
        }
      }
      out.add(children);
    }
    return out;
  }

  /**
   * An answer child: terminal; +1/-1 propagated to the root in the gold modes, the reward model's
   * score propagated to the root at test time.
   */
  static Child settleAnswer(Step.Answer step, SearchMode mode, boolean correct) {
    RNode node = new RNode(step, NodeKind.ANSWER, 0, step.text(), step.answer());
    return mode.usesGold()
        ? new Child(node, true, NewChild.Update.BACKPROP, correct ? 1.0 : -1.0, false)
        : new Child(node, true, NewChild.Update.BACKPROP, 0.0, true);
  }

  /**
   * A child whose step ran, expansion step 3 of the reference: an error counts on the parent's
   * count and at {@code errorsThreshold} makes it terminal with -1 on itself; a non-terminal child
   * deeper than {@code maxDepth} is terminal with -1 on itself; in the PPM modes any other child
   * gets the reward model's score on itself.
   */
  Child settleCode(Step step, ExecutionOutcome outcome, int parentErrors, int depth) {
    Step ran = step instanceof Step.Code code ? code.withOutcome(outcome) : step;
    int errors = outcome.isError() ? parentErrors + 1 : 0;
    boolean terminalError = outcome.isError() && errors >= config.errorsThreshold();
    String text = RNode.codeText(step.text(), outcome, terminalError);
    if (terminalError) {
      return new Child(
          new RNode(ran, NodeKind.CODE_ERROR, errors, text, null),
          true,
          NewChild.Update.SELF,
          -1.0,
          false);
    }
    if (depth > config.engine().maxDepth()) {
      return new Child(
          new RNode(ran, NodeKind.TOO_DEEP, errors, text, null),
          true,
          NewChild.Update.SELF,
          -1.0,
          false);
    }
    RNode node = new RNode(ran, NodeKind.STEP, errors, text, null);
    return config.mode().usesRewardModel()
        ? new Child(node, false, NewChild.Update.SELF, 0.0, true)
        : new Child(node, false, NewChild.Update.NONE, 0.0, false);
  }

  /** Score: one reward-model call for every new child the mode values with it, in order. */
  private double[] score(Round round, List<List<Child>> children, ModelCalls calls) {
    List<RewardRequest> requests = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      Expansion e = round.expansions().get(i);
      for (Child c : children.get(i)) {
        if (c.scored()) {
          requests.add(new RewardRequest(e.run().problem, e.partial().append(c.node().step)));
        }
      }
    }
    return calls.score(requests);
  }

  /** Commit: gives each waiting node its children, which applies and backs up their values. */
  private static void commit(Round round, List<List<Child>> children, double[] scores) {
    int next = 0;
    for (int i = 0; i < children.size(); i++) {
      List<NewChild<RNode>> created = new ArrayList<>(children.get(i).size());
      for (Child c : children.get(i)) {
        double value = c.scored() ? scores[next++] : c.value();
        created.add(new NewChild<>(c.node(), c.terminal(), c.update(), value, 1.0));
      }
      round.expansions().get(i).rollout().expand(created);
    }
    for (Rollout<RNode> f : round.followers()) {
      f.expand(List.of()); // its node was expanded by the rollout it shared a request with
    }
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
