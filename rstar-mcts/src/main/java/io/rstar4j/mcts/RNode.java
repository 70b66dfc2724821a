package io.rstar4j.mcts;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.tree.NodeKind;

/** The state of one reasoning-tree node: its step, kind, error count and node text. */
final class RNode {
  static final RNode ROOT = new RNode(null, NodeKind.ROOT, 0, "", null);

  /** The step with its execution outcome; null at the root. */
  final Step step;

  final NodeKind kind;

  /** Consecutive code errors ending at this node (e). */
  final int errors;

  /** What the node contributes to a solution text (the golden README's node text). */
  final String text;

  /** The boxed content for answer nodes, else null. */
  final String answer;

  RNode(Step step, NodeKind kind, int errors, String text, String answer) {
    this.step = step;
    this.kind = kind;
    this.errors = errors;
    this.text = text;
    this.answer = answer;
  }

  /**
   * The reference's node text of a code step: a step containing {@code <end_of_code>} gets {@code
   * \n<output>OUT<end_of_output>}; another step gets nothing, unless an error made it terminal. A
   * terminal error is wrapped twice by the reference after {@code <end_of_code>}, and after an
   * {@code <end_of_step>} step it gets {@code <end_of_code>\n<output>ERR<end_of_output>}.
   */
  static String codeText(String text, ExecutionOutcome outcome, boolean terminalError) {
    boolean endsBlock = text.contains(StepFormat.END_OF_CODE);
    String out = outcome == null ? "" : outcome.text();
    if (terminalError) {
      return endsBlock
          ? text
              + "\n"
              + StepFormat.OUTPUT
              + StepFormat.OUTPUT
              + out
              + StepFormat.END_OF_OUTPUT
              + StepFormat.END_OF_OUTPUT
          : text
              + StepFormat.END_OF_CODE
              + "\n"
              + StepFormat.OUTPUT
              + out
              + StepFormat.END_OF_OUTPUT;
    }
    return endsBlock ? text + "\n" + StepFormat.OUTPUT + out + StepFormat.END_OF_OUTPUT : text;
  }
}
