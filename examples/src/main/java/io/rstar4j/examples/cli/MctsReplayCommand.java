package io.rstar4j.examples.cli;

import io.rstar4j.core.Problem;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.SelectionRule;
import io.rstar4j.mcts.script.GoldenTrees;
import io.rstar4j.mcts.script.ScriptedProblem;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.ExtractionSummary;
import io.rstar4j.train.data.TrainingDataExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rstar mcts-replay --script FILE [--json] [--sft OUT] [--pairs OUT] [--pairs-unfiltered
 * OUT]}: runs the project's search on a golden-tree script and prints the final tree, as the golden
 * node list with {@code --json}; with an output flag it also writes the tree's SFT records and
 * preference pairs through {@code rstar extract}'s extractor ({@link TrainingDataExtractor#write}).
 */
@Command(
    name = "mcts-replay",
    description = {
      "replay a golden-tree script through the search and print the final tree",
      "",
      "Runs the reasoning search on a golden-tree script (scripted policy, verifier, answer check"
          + " and reward model; mode, rollouts, maxDepth, c and errorsThreshold from its config) and"
          + " prints the final tree. --sft, --pairs and --pairs-unfiltered also write what"
          + " rstar extract makes of that tree (a test-time tree is extracted without its gold"
          + " answer, as the search saves it); a summary goes to stderr."
    })
public final class MctsReplayCommand implements RstarCommand {

  @Option(
      names = "--script",
      required = true,
      paramLabel = "FILE",
      description = "the *.script.json file")
  Path file;

  @Option(
      names = "--json",
      arity = "0",
      description =
          "print {\"nodes\": [{\"path\": [...], \"visits\": N, \"valueSum\": W, \"terminal\":"
              + " B}, ...]} sorted by path, on one line")
  boolean json;

  @Mixin ExtractionOptions outputs;

  @Option(
      names = "--eager-terminals",
      arity = "0",
      description = "departure from the reference: mark all-terminal parents at once")
  boolean eagerTerminals;

  @Option(
      names = "--terminate-empty",
      arity = "0",
      description = "departure from the reference: an empty expansion is a dead end")
  boolean terminateEmpty;

  @Option(
      names = "--unvisited-infinity",
      arity = "0",
      description = "departure from the reference: unvisited children score +infinity")
  boolean unvisitedInfinity;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
    if (!Files.isRegularFile(file)) {
      err.println("rstar mcts-replay: no such file: " + file);
      return 1;
    }
    ScriptedProblem sp;
    try {
      sp = ScriptedProblem.read(file);
    } catch (IllegalArgumentException e) {
      err.println("rstar mcts-replay: " + file + ": " + e.getMessage());
      return 1;
    }
    EngineOptions.Builder engine = sp.config().engine().toBuilder();
    if (eagerTerminals) {
      engine.terminalMarking(EngineOptions.TerminalMarking.EAGER);
    }
    if (terminateEmpty) {
      engine.emptyExpansion(EngineOptions.EmptyExpansion.TERMINATE);
    }
    if (unvisitedInfinity) {
      double c = sp.config().engine().rule().explorationConstant().orElse(2.0);
      engine.rule(SelectionRule.uct(c, SelectionRule.UnvisitedScore.INFINITY));
    }
    ExtractionConfig extraction = outputs.anyOutput() ? outputs.config() : null;
    SearchResult r = sp.replay(sp.config().toBuilder().engine(engine.build()).build());
    if (json) {
      out.println(GoldenTrees.toJson(r.tree()));
    } else {
      out.println(
          "mode "
              + r.config().mode()
              + ", "
              + r.config().rollouts()
              + " rollouts, "
              + r.nodeCount()
              + " nodes; gold "
              + sp.problem().goldAnswers());
      printTree(r.tree(), out, false);
    }
    if (extraction != null) {
      ReasoningTree tree = r.tree();
      if (!r.config().mode().usesGold()) { // a test-time search has no gold and saves none
        Problem p = tree.problem();
        tree = ReasoningTree.of(new Problem(p.id(), p.question(), List.of()), tree.nodes());
      }
      try (AtomicOutputs files = new AtomicOutputs()) {
        ExtractionSummary s =
            new TrainingDataExtractor(extraction, sp.grader())
                .write(
                    tree,
                    files.open(outputs.sftPath),
                    files.open(outputs.pairsPath),
                    files.open(outputs.unfilteredPath));
        files.commit();
        err.println("rstar mcts-replay: " + s.describe());
      }
    }
    return 0;
  }

  /** Prints an indented tree: path, N, W, Q, terminal flag, kind and the step's first line. */
  static void printTree(ReasoningTree tree, PrintStream out, boolean fullText) {
    for (int i = 0; i < tree.size(); i++) { // pre-order: each node after its parent
      ReasoningNode n = tree.node(i);
      StringBuilder sb = new StringBuilder();
      sb.append("  ".repeat(tree.depth(i)))
          .append(tree.path(i))
          .append(
              String.format(
                  java.util.Locale.ROOT, " N=%d W=%.4f Q=%.4f", n.visits(), n.valueSum(), n.q()))
          .append(n.terminal() ? " terminal" : "")
          .append(' ')
          .append(n.kind().jsonName());
      n.answer().ifPresent(a -> sb.append(" answer=").append(a));
      if (!n.text().isEmpty()) {
        sb.append("  ").append(fullText ? n.text().replace("\n", "\\n") : summary(n.text()));
      }
      out.println(sb);
    }
  }

  /** The step in one line: code lines without comments and tags, output as {@code -> OUT}. */
  static String summary(String text) {
    String t =
        text.replace("<output><output>", "<output>")
            .replace("<output>", "\n-> ")
            .replace("<end_of_output>", "")
            .replace("<code>", "")
            .replace("<end_of_step>", "")
            .replace("<end_of_code>", "")
            .replace("<answer>", "")
            .replace("<end_of_answer>", "");
    StringBuilder sb = new StringBuilder();
    for (String l : t.split("\n")) {
      String x = l.strip();
      if (x.isEmpty() || x.startsWith("#")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(x.startsWith("->") ? " " : "; ");
      }
      sb.append(x);
    }
    return sb.length() > 100 ? sb.substring(0, 97) + "..." : sb.toString();
  }
}
