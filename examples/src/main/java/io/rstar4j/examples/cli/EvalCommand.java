package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.OutputPaths;
import io.rstar4j.core.internal.RunLock;
import io.rstar4j.mcts.AnswerSelection;
import io.rstar4j.mcts.Baselines;
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

  @Mixin SearchSetup.Options options;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    SearchSetup.Options a = options;
    SearchSetup.checkPolicyFlags(a);
    String method = (baseline != null ? baseline : "mcts").toLowerCase(Locale.ROOT);
    if (!List.of("mcts", "best-of-n", "beam").contains(method)) {
      throw new UsageException("--baseline must be best-of-n or beam, was '" + method + "'");
    }
    if (method.equals("beam") && ppm == null) {
      throw new UsageException("--baseline beam needs --ppm DIR");
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
      rm = SearchSetup.ppm(ppm);
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
        try (Progress bar = Progress.search(err, "rstar eval", blind.size())) {
          raw =
              SearchRunner.builder(search)
                  .fingerprint(SearchSetup.fingerprint(a, ppm))
                  .rerun(rerun)
                  .batchProblems(batch)
                  .onProgress(bar::update)
                  .build()
                  .run(blind, trees != null ? Path.of(trees) : null);
        } catch (io.rstar4j.train.evolve.RunMismatchException e) {
          err.println("rstar eval: " + SearchSetup.describe(e, "--trees file"));
          return 1;
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
      SearchSetup.closeQuietly(policy, err);
      SearchSetup.closeQuietly(rm, err);
      SearchSetup.closeQuietly(verifier, err);
      SearchSetup.closeQuietly(lock, err);
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
