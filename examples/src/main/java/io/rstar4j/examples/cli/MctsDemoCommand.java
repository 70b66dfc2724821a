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
import java.util.Set;

/**
 * {@code rstar mcts-demo [--json]}: runs the reasoning search with a scripted policy, verifier and
 * reward model on the demo problem shipped in the jar (or on a given script) and prints the tree.
 */
public final class MctsDemoCommand implements Command {
  static final String DEMO_SCRIPT = "/demo/muffins.script.json";

  @Override
  public String name() {
    return "mcts-demo";
  }

  @Override
  public String summary() {
    return "run the reasoning search on a scripted demo problem and print the tree";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar mcts-demo [--json] [--script FILE] [--rollouts N]",
        "",
        "Runs rStar's MCTS (PPM-augmented by default) with a scripted policy, verifier and",
        "reward model on a small word problem shipped with the program, and prints the tree:",
        "each node's path, visits N, value sum W, Q, terminal flag, kind and step.",
        "",
        "  --json          print the tree as one JSON line (the saved-tree format: id, question,",
        "                  gold, root with text, kind, answer, visits, valueSum, terminal, children)",
        "  --script FILE   a golden-tree script to search instead of the demo problem",
        "  --rollouts N    override the script's number of rollouts");
  }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    Args args = Args.parse(argv, Set.of("script", "rollouts"), Set.of("json"));
    if (!args.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
    }
    ScriptedProblem sp;
    if (args.has("script")) {
      sp = ScriptedProblem.read(Path.of(args.require("script")));
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
    if (args.has("rollouts")) {
      int n = args.getInt("rollouts", config.rollouts());
      if (n < 1) {
        throw new UsageException("--rollouts must be >= 1, was " + n);
      }
      config = config.toBuilder().rollouts(n).build();
    }
    SearchResult r = sp.replay(config);
    if (args.has("json")) {
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
