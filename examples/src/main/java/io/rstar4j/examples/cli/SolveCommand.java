package io.rstar4j.examples.cli;

import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.io.OutputPaths;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.Rerun;
import io.rstar4j.train.evolve.RunMismatchException;
import io.rstar4j.train.evolve.SearchRunner;
import io.rstar4j.verify.grade.MathGrader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rstar solve}: rStar's reasoning search over a problem set, saving one tree per problem
 * (resumable) and printing one JSON line per problem.
 */
@Command(
    name = "solve",
    description = {
      "run the reasoning search over problems, save the trees (resumable), print answers",
      "",
      "Searches the problems B at a time in lock-step, appends each finished tree to OUT (one JSON"
          + " line per problem, flushed as each group finishes; `rstar extract --trees OUT` reads"
          + " it) and prints one line per problem, in input order: {\"id\", \"answer\","
          + " \"correct\", \"score\"} (answer: the answer leaf with the highest Q, null when none;"
          + " correct: graded against the gold answer with the MATH grader, null without one;"
          + " score: the answer's Q). Problems whose trees OUT already holds are not searched"
          + " again: their lines come from the saved trees. Progress (problems done, rate, ETA)"
          + " goes to stderr."
    })
final class SolveCommand implements RstarCommand {

  @Option(
      names = "--trees",
      required = true,
      paramLabel = "OUT.jsonl",
      description = "where the trees go, one JSON line per problem (resumable)")
  Path trees;

  @Option(
      names = "--mode",
      paramLabel = "M",
      description =
          "terminal-guided (the default without --ppm; needs gold answers), ppm-augmented (the"
              + " default with --ppm) or test-time (no gold used)")
  String modeName;

  @Option(
      names = "--ppm",
      paramLabel = "DIR",
      description = "a PPM directory (rstar train-ppm); test-time without one scores 0")
  String ppm;

  @Option(
      names = "--tree-html",
      paramLabel = "FILE",
      description =
          "the tree page: one self-contained HTML file with the search trees of these problems")
  Path treeHtml;

  @Mixin SearchSetup.Options options;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    SearchSetup.Options a = options;
    SearchSetup.checkPolicyFlags(a);
    SearchSetup.checkPpmFlags(a, ppm);
    boolean hasPpm = SearchSetup.hasPpm(a, ppm);
    SearchMode mode;
    try {
      mode =
          modeName != null
              ? SearchMode.parse(modeName)
              : hasPpm ? SearchMode.PPM_AUGMENTED : SearchMode.TERMINAL_GUIDED;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    SearchConfig config = SearchSetup.config(a, SearchSetup.preset(mode));
    int batch = SearchSetup.batchProblems(a);
    if (mode == SearchMode.PPM_AUGMENTED && !hasPpm) {
      throw new UsageException("--mode ppm-augmented needs --ppm DIR or --ppm-server URL");
    }
    Rerun rerun = SearchSetup.rerun(a);
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--problems", SearchSetup.problemsFile(a))
            .input("--ppm", ppm == null ? null : Path.of(ppm))
            .input("--model", a.model == null ? null : Path.of(a.model))
            .outputFile("--trees", trees));
    List<Problem> problems;
    try {
      problems = SearchSetup.problems(a);
    } catch (IllegalArgumentException e) {
      err.println("rstar solve: " + e.getMessage());
      return 1;
    }
    if (mode.usesGold()) {
      for (Problem p : problems) {
        if (!p.hasGold()) {
          err.println(
              "rstar solve: problem "
                  + p.id()
                  + " has no gold answer: "
                  + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
                  + " needs one (use --mode test-time)");
          return 1;
        }
      }
    }
    try (RunLock lock = RunLock.onFile(trees)) {
      return run(a, problems, mode, config, batch, trees, rerun, out, err);
    } catch (RunMismatchException e) {
      err.println("rstar solve: " + SearchSetup.describe(e, "--trees file"));
      return 1;
    }
  }

  private int run(
      SearchSetup.Options a,
      List<Problem> problems,
      SearchMode mode,
      SearchConfig config,
      int batch,
      Path trees,
      Rerun rerun,
      PrintStream out,
      PrintStream err)
      throws Exception {
    Policy policy = null;
    Verifier verifier = null;
    RewardModel rm = null;
    try {
      verifier = SearchSetup.verifier(a);
      rm = SearchSetup.ppm(a, ppm);
      if (rm == null && mode == SearchMode.TEST_TIME) {
        err.println(
            "rstar solve: no --ppm: test-time answers are scored 0 (the first answer found"
                + " wins)");
        rm = RewardModel.constant(0.0);
      }
      policy = SearchSetup.policy(a, null);
      MathGrader grader = MathGrader.standard();
      ReasoningSearch.Builder sb =
          ReasoningSearch.builder(policy, verifier).grader(grader).config(config);
      if (mode.usesRewardModel()) {
        sb.rewardModel(rm);
      }
      err.printf(
          Locale.ROOT,
          "rstar solve: %d problems, %s, %d rollouts, %d candidates, %d per" + " group -> %s%n",
          problems.size(),
          mode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
          config.rollouts(),
          config.candidates(),
          batch,
          trees);
      try (Progress bar = Progress.search(err, "rstar solve", problems.size())) {
        SearchRunner.builder(sb.build())
            .fingerprint(SearchSetup.fingerprint(a, ppm))
            .rerun(rerun)
            .batchProblems(batch)
            .onOutcome(
                o -> {
                  out.println(SearchSetup.outcomeLine(o));
                  out.flush();
                })
            .onProgress(bar::update)
            .build()
            .run(problems, trees);
      }
      if (treeHtml != null) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Problem p : problems) {
          ids.add(p.id());
        }
        List<io.rstar4j.core.tree.ReasoningTree> mine = new java.util.ArrayList<>();
        for (io.rstar4j.core.tree.ReasoningTree t : SearchSetup.readTrees(trees)) {
          if (ids.contains(t.problem().id())) {
            mine.add(t);
          }
        }
        SearchSetup.writeTreePage(
            treeHtml, "rstar solve " + a.problems, mine, problems, rm, grader);
        err.println("rstar solve: tree page -> " + treeHtml);
      }
      return 0;
    } finally {
      SearchSetup.printServerStats("rstar solve", policy, err);
      SearchSetup.printServerStats("rstar solve", rm, err);
      SearchSetup.closeQuietly(policy, err);
      SearchSetup.closeQuietly(rm, err);
      SearchSetup.closeQuietly(verifier, err);
    }
  }
}
