package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.io.OutputPaths;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.mcts.AnswerSelection;
import io.rstar4j.mcts.Baselines;
import io.rstar4j.mcts.EvalMethod;
import io.rstar4j.mcts.Evaluation;
import io.rstar4j.mcts.Evaluator;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.Rerun;
import io.rstar4j.train.evolve.SearchRunner;
import io.rstar4j.train.evolve.SolveOutcome;
import io.rstar4j.train.evolve.SolveProgress;
import io.rstar4j.verify.grade.MathGrader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rstar eval}: accuracy of the test-time search (or a baseline) on a benchmark. */
@Command(
    name = "eval",
    description = {
      "accuracy of the test-time search (or best-of-N / beam search) on a benchmark",
      "",
      "Answers every problem without looking at its gold answer (the test-time search: PPM-scored"
          + " answers, the highest-scoring one chosen; or a baseline), grades the answers with the"
          + " MATH grader and prints one line per problem, in input order, {\"id\", \"answer\","
          + " \"correct\", \"score\"}, then a summary line {\"benchmark\", \"method\","
          + " \"problems\", \"graded\", \"answered\", \"correct\", \"accuracy\", \"seconds\"}"
          + " (accuracy = correct / graded, the problems with a gold answer). Progress goes to"
          + " stderr."
    })
final class EvalCommand implements RstarCommand {

  @Option(
      names = "--ppm",
      paramLabel = "DIR",
      description =
          "the PPM scoring steps and answers; without one every score is 0 and best-of-n votes by"
              + " majority")
  String ppm;

  @Option(
      names = "--baseline",
      paramLabel = "best-of-n|beam",
      description =
          "best-of-n: --n complete solutions sampled step by step (default 8), the PPM's favourite"
              + " or the majority answer; beam: step-level beam search, --beam-width beams"
              + " (default 4) x --n candidates (default 4), needs --ppm")
  String baseline;

  @Option(
      names = "--beam-width",
      paramLabel = "W",
      defaultValue = "4",
      description = "beams of --baseline beam (default ${DEFAULT-VALUE})")
  int beamWidthFlag;

  @Option(
      names = "--searches",
      paramLabel = "K",
      description =
          "independent searches per problem (default 1), each contributing its highest-scoring"
              + " answer; their trees are saved as ID#0..ID#K-1")
  Integer searchesFlag;

  @Option(
      names = "--select",
      paramLabel = "S",
      description =
          "how the K answers combine: highest (score, default), majority (vote up to the grader's"
              + " equivalence) or weighted (score-weighted vote)")
  String selectFlag;

  @Option(
      names = "--trees",
      paramLabel = "OUT.jsonl",
      description = "save the search trees (test-time search only; resumable)")
  String trees;

  @Option(
      names = "--methods",
      paramLabel = "M,M,...",
      split = ",",
      description =
          "the evaluation harness: run these methods at each --budgets value and print a table"
              + " (accuracy with its 95% Wilson interval, tokens and seconds per problem, the share"
              + " of time in policy, verifier, reward model and engine) instead of per-problem"
              + " lines: greedy, best-of-n[:majority|ppm-best|ppm-weighted[:last|min|prod]],"
              + " beam[:last|min|prod], dvts[:last|min|prod], mcts (budget = rollouts),"
              + " searches[:majority|ppm-best|ppm-weighted] (budget = independent searches)")
  List<String> methods;

  @Option(
      names = "--budgets",
      paramLabel = "N,N,...",
      split = ",",
      description =
          "budgets of --methods (default 8): samples / beams for best-of-n, beam and dvts,"
              + " rollouts for mcts, searches for searches; greedy runs once")
  List<Integer> budgets;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "with --methods: write every result (and each problem's answer) as JSON")
  Path json;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description =
          "with --methods: the test-time scaling plot (accuracy against generated tokens per"
              + " problem, or trajectories when the policy reports no tokens), FILE.svg and"
              + " FILE.png")
  Path plot;

  @Option(
      names = "--plot-x",
      paramLabel = "tokens|trajectories",
      description = "the plot's x axis (default: tokens when the policy reports them)")
  String plotX;

  @Option(
      names = "--tree-html",
      paramLabel = "FILE",
      description =
          "the tree page: one self-contained HTML file with every problem's search tree (the"
              + " test-time search; with --methods, the first mcts or searches run)")
  Path treeHtml;

  @Mixin SearchSetup.Options options;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    SearchSetup.Options a = options;
    SearchSetup.checkPolicyFlags(a);
    SearchSetup.checkPpmFlags(a, ppm);
    if (methods != null) {
      return runMethods(a, out, err);
    }
    if (budgets != null || json != null || plot != null || plotX != null) {
      throw new UsageException("--budgets, --json, --plot and --plot-x go with --methods");
    }
    if (treeHtml != null && baseline != null) {
      throw new UsageException("--tree-html shows search trees: not with --baseline");
    }
    String method = (baseline != null ? baseline : "mcts").toLowerCase(Locale.ROOT);
    if (!List.of("mcts", "best-of-n", "beam").contains(method)) {
      throw new UsageException("--baseline must be best-of-n or beam, was '" + method + "'");
    }
    if (method.equals("beam") && !SearchSetup.hasPpm(a, ppm)) {
      throw new UsageException("--baseline beam needs --ppm DIR or --ppm-server URL");
    }
    if (!method.equals("mcts") && trees != null) {
      throw new UsageException("--trees saves search trees: not with --baseline");
    }
    int searches = searchesFlag != null ? searchesFlag : 1;
    if (searches < 1) {
      throw new UsageException("--searches must be >= 1, was " + searches);
    }
    String select = (selectFlag != null ? selectFlag : "highest").toLowerCase(Locale.ROOT);
    if (!List.of("highest", "majority", "weighted").contains(select)) {
      throw new UsageException(
          "--select must be highest, majority or weighted, was '" + select + "'");
    }
    if (!method.equals("mcts") && (searchesFlag != null || selectFlag != null)) {
      throw new UsageException(
          "--searches and --select combine test-time searches: not with" + " --baseline");
    }
    SearchConfig config = SearchSetup.config(a, SearchConfig.testTime());
    int batch = SearchSetup.batchProblems(a);
    int beamWidth = beamWidthFlag;
    if (beamWidth < 1) {
      throw new UsageException("--beam-width must be >= 1");
    }
    Rerun rerun = SearchSetup.rerun(a);
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--problems", SearchSetup.problemsFile(a))
            .input("--ppm", ppm == null ? null : Path.of(ppm))
            .input("--model", a.model == null ? null : Path.of(a.model))
            .outputFile("--trees", trees == null ? null : Path.of(trees)));
    List<Problem> problems;
    try {
      problems = SearchSetup.problems(a);
    } catch (IllegalArgumentException e) {
      err.println("rstar eval: " + e.getMessage());
      return 1;
    }
    // one run per tree file: taken before any model or sandbox starts
    RunLock lock = trees == null ? null : RunLock.onFile(Path.of(trees));
    Policy policy = null;
    Verifier verifier = null;
    RewardModel rm = null;
    long t0 = System.nanoTime();
    try {
      verifier = SearchSetup.verifier(a);
      rm = SearchSetup.ppm(a, ppm);
      boolean haveRm = rm != null;
      if (!haveRm && method.equals("mcts")) {
        err.println("rstar eval: no --ppm: every score is 0 (the first answer found wins)");
        rm = RewardModel.constant(0.0);
      }
      policy = SearchSetup.policy(a, null, method.equals("mcts") ? searches : 1);
      MathGrader grader = MathGrader.standard();
      List<SolveOutcome> outcomes;
      if (method.equals("mcts")) {
        ReasoningSearch search =
            ReasoningSearch.builder(policy, verifier)
                .grader(grader)
                .config(config.toBuilder().mode(SearchMode.TEST_TIME).build())
                .rewardModel(rm)
                .build();
        err.printf(
            Locale.ROOT,
            "rstar eval: %d problems x %d search%s, test-time, %d rollouts,"
                + " %d candidates, %d per group, answers by %s%n",
            problems.size(),
            searches,
            searches == 1 ? "" : "es",
            config.rollouts(),
            config.candidates(),
            batch,
            select);
        // the test-time search never sees the gold answers; the k-th of K searches of a problem
        // (id ID#k) samples with the seed derived from (--seed, k): K independent searches
        List<Problem> blind = new ArrayList<>();
        for (Problem p : problems) {
          for (int k = 0; k < searches; k++) {
            String id = searches == 1 ? p.id() : p.id() + "#" + k;
            blind.add(new Problem(id, p.question(), List.of()));
          }
        }
        List<SolveOutcome> raw;
        Path treeFile = trees != null ? Path.of(trees) : null;
        Path tempTrees = null;
        if (treeFile == null && treeHtml != null) {
          Path dir = treeHtml.toAbsolutePath().getParent();
          java.nio.file.Files.createDirectories(dir);
          tempTrees = java.nio.file.Files.createTempFile(dir, ".rstar-eval-trees", ".jsonl");
          java.nio.file.Files.delete(tempTrees);
          treeFile = tempTrees;
        }
        try {
          try (Progress bar = Progress.search(err, "rstar eval", blind.size())) {
            raw =
                SearchRunner.builder(search)
                    .fingerprint(SearchSetup.fingerprint(a, ppm))
                    .rerun(rerun)
                    .batchProblems(batch)
                    .onProgress(bar::update)
                    .build()
                    .run(blind, treeFile);
          } catch (io.rstar4j.train.evolve.RunMismatchException e) {
            err.println("rstar eval: " + SearchSetup.describe(e, "--trees file"));
            return 1;
          }
          if (treeHtml != null) {
            SearchSetup.writeTreePage(
                treeHtml,
                "rstar eval " + a.problems,
                SearchSetup.readTrees(treeFile),
                problems,
                rm,
                grader);
            err.println("rstar eval: tree page -> " + treeHtml);
          }
        } finally {
          if (tempTrees != null) {
            java.nio.file.Files.deleteIfExists(tempTrees);
          }
        }
        outcomes = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
          Problem p = problems.get(i);
          List<ScoredAnswer> best = new ArrayList<>();
          boolean resumed = true;
          for (int k = 0; k < searches; k++) {
            SolveOutcome o = raw.get(i * searches + k);
            resumed &= o.resumed();
            if (o.answer() != null) {
              best.add(new ScoredAnswer(o.answer(), o.score()));
            }
          }
          Optional<ScoredAnswer> chosen =
              switch (select) {
                case "majority" -> AnswerSelection.majorityVote(best, grader);
                case "weighted" -> AnswerSelection.scoreWeightedVote(best, grader);
                default -> AnswerSelection.highestScore(best);
              };
          String answer = chosen.map(ScoredAnswer::answer).orElse(null);
          Boolean correct =
              !p.hasGold() ? null : answer != null && grader.matchesAny(answer, p.goldAnswers());
          outcomes.add(
              new SolveOutcome(
                  p.id(),
                  answer,
                  correct,
                  chosen.map(ScoredAnswer::score).orElse(Double.NaN),
                  resumed));
        }
      } else {
        int n = a.n != null ? config.candidates() : method.equals("best-of-n") ? 8 : 4;
        outcomes =
            baseline(
                method,
                problems,
                policy,
                verifier,
                haveRm ? rm : null,
                grader,
                config,
                n,
                beamWidth,
                err);
      }
      int graded = 0;
      int correct = 0;
      int answered = 0;
      for (SolveOutcome o : outcomes) {
        out.println(SearchSetup.outcomeLine(o));
        if (o.answer() != null) {
          answered++;
        }
        if (o.correct() != null) {
          graded++;
          if (o.correct()) {
            correct++;
          }
        }
      }
      JsonObject s = new JsonObject();
      s.addProperty("benchmark", a.problems);
      s.addProperty("method", method);
      s.addProperty("problems", outcomes.size());
      s.addProperty("graded", graded);
      s.addProperty("answered", answered);
      s.addProperty("correct", correct);
      s.addProperty("accuracy", graded == 0 ? null : (double) correct / graded);
      s.addProperty("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
      out.println(JsonLines.toLine(s));
      err.printf(
          Locale.ROOT,
          "rstar eval: accuracy %d/%d = %.4f%n",
          correct,
          graded,
          graded == 0 ? Double.NaN : (double) correct / graded);
      return 0;
    } finally {
      SearchSetup.printServerStats("rstar eval", policy, err);
      SearchSetup.printServerStats("rstar eval", rm, err);
      SearchSetup.closeQuietly(policy, err);
      SearchSetup.closeQuietly(rm, err);
      SearchSetup.closeQuietly(verifier, err);
      SearchSetup.closeQuietly(lock, err);
    }
  }

  /** The evaluation harness: every method at every budget, a table, JSON, a plot. */
  private int runMethods(SearchSetup.Options a, PrintStream out, PrintStream err) throws Exception {
    if (baseline != null || searchesFlag != null || selectFlag != null || trees != null) {
      throw new UsageException(
          "--methods replaces --baseline, --searches, --select and --trees: give --methods alone");
    }
    List<Integer> bs = budgets != null ? budgets : List.of(8);
    List<EvalMethod> ms = new ArrayList<>();
    for (String name : methods) {
      boolean greedy = name.trim().equalsIgnoreCase("greedy");
      for (int b : greedy ? List.of(1) : bs) {
        try {
          ms.add(EvalMethod.parse(name, b));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
    }
    String x = plotX == null ? null : plotX.toLowerCase(Locale.ROOT);
    if (x != null && !List.of("tokens", "trajectories").contains(x)) {
      throw new UsageException("--plot-x must be tokens or trajectories, was '" + plotX + "'");
    }
    if (ppm == null) {
      for (EvalMethod m : ms) {
        if (m.needsRewardModel()) {
          throw new UsageException(m.family() + " needs --ppm DIR");
        }
      }
    }
    SearchConfig config = SearchSetup.config(a, SearchConfig.testTime());
    int batch = SearchSetup.batchProblems(a);
    List<Problem> problems;
    try {
      problems = SearchSetup.problems(a);
    } catch (IllegalArgumentException e) {
      err.println("rstar eval: " + e.getMessage());
      return 1;
    }
    Policy policy = null;
    Policy greedy = null;
    Verifier verifier = null;
    RewardModel rm = null;
    try {
      verifier = SearchSetup.verifier(a);
      rm = SearchSetup.ppm(ppm);
      Policy[] ps =
          SearchSetup.policies(a, null, ms.stream().anyMatch(m -> m instanceof EvalMethod.Greedy));
      policy = ps[0];
      greedy = ps[1];
      MathGrader grader = MathGrader.standard();
      Evaluator.Builder eb =
          Evaluator.builder(policy, verifier)
              .grader(grader)
              .config(config)
              .batchProblems(batch)
              .keepTrees(treeHtml != null);
      if (rm != null) {
        eb.rewardModel(rm);
      }
      if (greedy != null) {
        eb.greedyPolicy(greedy);
      }
      Evaluator ev = eb.build();
      List<Evaluation> results = new ArrayList<>();
      for (EvalMethod m : ms) {
        err.printf(
            Locale.ROOT,
            "rstar eval: %s on %d problems, %d per group%n",
            m.label(),
            problems.size(),
            batch);
        Evaluation e;
        try (Progress bar = Progress.search(err, "rstar eval " + m.label(), problems.size())) {
          long start = System.nanoTime();
          e =
              ev.evaluate(
                  problems,
                  m,
                  done -> {
                    double secs = (System.nanoTime() - start) / 1e9;
                    double rate = done / Math.max(secs, 1e-9);
                    bar.update(
                        new SolveProgress(
                            done, problems.size(), 0, rate, (problems.size() - done) / rate));
                  });
        }
        results.add(e);
      }
      EvalReport.table(results, out);
      if (json != null) {
        EvalReport.writeJson(json, EvalReport.json(a.problems, problems.size(), results));
        err.println("rstar eval: results -> " + json);
      }
      if (plot != null) {
        boolean byTokens =
            x != null
                ? x.equals("tokens")
                : results.stream().anyMatch(r -> r.generatedTokens() > 0);
        List<Path> files =
            EvalReport.plot(plot, "test-time scaling: " + a.problems, results, byTokens);
        err.println(
            "rstar eval: plot (x: "
                + (byTokens ? "tokens" : "trajectories")
                + ") -> "
                + files.get(0)
                + ", "
                + files.get(1));
      }
      if (treeHtml != null) {
        Evaluation withTrees =
            results.stream()
                .filter(r -> r.outcomes().stream().anyMatch(o -> o.tree().isPresent()))
                .findFirst()
                .orElse(null);
        if (withTrees == null) {
          err.println("rstar eval: no mcts or searches run: no tree page written");
        } else {
          List<io.rstar4j.core.tree.ReasoningTree> ts = new ArrayList<>();
          for (Evaluation.Outcome o : withTrees.outcomes()) {
            o.tree().ifPresent(ts::add);
          }
          SearchSetup.writeTreePage(
              treeHtml,
              "rstar eval " + a.problems + ", " + withTrees.method().label(),
              ts,
              problems,
              rm,
              grader);
          err.println("rstar eval: tree page (" + withTrees.method().label() + ") -> " + treeHtml);
        }
      }
      return 0;
    } finally {
      SearchSetup.closeQuietly(greedy, err);
      SearchSetup.closeQuietly(policy, err);
      SearchSetup.closeQuietly(rm, err);
      SearchSetup.closeQuietly(verifier, err);
    }
  }

  private static List<SolveOutcome> baseline(
      String method,
      List<Problem> problems,
      Policy policy,
      Verifier verifier,
      RewardModel rm,
      MathGrader grader,
      SearchConfig config,
      int n,
      int beamWidth,
      PrintStream err) {
    List<SolveOutcome> out = new ArrayList<>();
    long start = System.nanoTime();
    try (Progress bar = Progress.search(err, "rstar eval", problems.size())) {
      for (Problem p : problems) {
        Problem blind = new Problem(p.id(), p.question(), List.of());
        Baselines.Result r;
        if (method.equals("best-of-n")) {
          r =
              Baselines.bestOfN(
                  blind,
                  policy,
                  verifier,
                  rm,
                  grader,
                  n,
                  config.engine().maxDepth(),
                  config.errorsThreshold(),
                  rm == null ? Baselines.Choice.MAJORITY : Baselines.Choice.REWARD_MODEL);
        } else {
          r =
              Baselines.beamSearch(
                  blind,
                  policy,
                  verifier,
                  rm,
                  beamWidth,
                  n,
                  config.engine().maxDepth(),
                  config.errorsThreshold());
        }
        Optional<ScoredAnswer> best = r.answer();
        Boolean correct =
            !p.hasGold()
                ? null
                : best.isPresent() && grader.matchesAny(best.get().answer(), p.goldAnswers());
        out.add(
            new SolveOutcome(
                p.id(),
                best.map(ScoredAnswer::answer).orElse(null),
                correct,
                best.map(ScoredAnswer::score).orElse(Double.NaN),
                false));
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = out.size() / Math.max(secs, 1e-9);
        bar.update(
            new SolveProgress(
                out.size(), problems.size(), 0, rate, (problems.size() - out.size()) / rate));
      }
    }
    return out;
  }
}
