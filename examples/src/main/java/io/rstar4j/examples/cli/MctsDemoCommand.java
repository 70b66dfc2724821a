package io.rstar4j.examples.cli;

import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.AnswerSelection;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.mcts.script.ScriptedProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar mcts-demo [--json]}: runs the reasoning search with a scripted policy, verifier and
 * reward model on the demo problem shipped in the jar (or on a given script) and prints the tree.
 */
@Command(
    name = "mcts-demo",
    description = {
      "run the reasoning search on a scripted demo problem and print the tree",
      "",
      "Runs rStar's MCTS (PPM-augmented by default) with a scripted policy, verifier and reward"
          + " model on a small word problem shipped with the program, and prints the tree: each"
          + " node's path, visits N, value sum W, Q, terminal flag, kind and step."
    })
public final class MctsDemoCommand implements RstarCommand {
  static final String DEMO_SCRIPT = "/demo/muffins.script.json";

  @Option(
      names = "--json",
      arity = "0",
      description =
          "print the tree as one JSON line (the saved-tree format: id, question, gold, root with"
              + " text, kind, answer, visits, valueSum, terminal, children)")
  boolean json;

  @Option(
      names = "--script",
      paramLabel = "FILE",
      description = "a golden-tree script to search instead of the demo problem")
  Path script;

  @Option(
      names = "--rollouts",
      paramLabel = "N",
      description = "override the script's number of rollouts")
  Integer rollouts;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
    ScriptedProblem sp;
    if (script != null) {
      sp = ScriptedProblem.read(script);
    } else {
      try (InputStream s = MctsDemoCommand.class.getResourceAsStream(DEMO_SCRIPT)) {
        if (s == null) {
          err.println(
              "rstar mcts-demo: the demo script " + DEMO_SCRIPT + " is missing from the jar");
          return 1;
        }
        sp =
            ScriptedProblem.parse(
                new String(s.readAllBytes(), StandardCharsets.UTF_8), "demo-muffins");
      }
    }
    SearchConfig config = sp.config();
    if (rollouts != null) {
      int n = rollouts;
      if (n < 1) {
        throw new UsageException("--rollouts must be >= 1, was " + n);
      }
      config = config.toBuilder().rollouts(n).build();
    }
    SearchResult r = sp.replay(config);
    if (json) {
      out.println(ReasoningTrees.toJsonLine(r.tree()));
      return 0;
    }
    out.println("question: " + sp.problem().question());
    out.println("gold:     " + String.join(", ", sp.problem().goldAnswers()));
    out.println(
        "search:   "
            + config.mode().name().toLowerCase().replace('_', '-')
            + ", "
            + config.rollouts()
            + " rollouts, max depth "
            + config.engine().maxDepth()
            + ", c = "
            + config.engine().rule().explorationConstant().orElse(Double.NaN)
            + ", error threshold "
            + config.errorsThreshold());
    out.println();
    MctsReplayCommand.printTree(r.tree(), out, false);
    out.println();
    List<ScoredAnswer> answers = r.answers();
    out.println("answers found: " + answers.size());
    Optional<ScoredAnswer> best = AnswerSelection.highestScore(answers);
    best.ifPresent(a -> out.println("best answer:   " + a.answer() + " (Q " + a.score() + ")"));
    AnswerSelection.majorityVote(answers, sp.grader())
        .ifPresent(a -> out.println("majority vote: " + a.answer().strip()));
    return 0;
  }
}
