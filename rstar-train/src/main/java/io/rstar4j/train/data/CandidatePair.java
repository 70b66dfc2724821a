package io.rstar4j.train.data;

import java.util.Objects;

/**
 * A preference pair before the final filter (the reference's intermediate record), with the greedy
 * continuations and both margins.
 *
 * @param prefix the prompt head and the texts of the steps down to the branching node
 * @param chosenStep the chosen child's text
 * @param chosenSteps the chosen child's greedy best chain, concatenated
 * @param rejectedStep the rejected child's text
 * @param rejectedSteps the rejected child's greedy worst chain, concatenated
 * @param stepMargin Q(chosen) - Q(rejected)
 * @param stepsMargin mean Q of the chosen chain minus mean Q of the rejected chain
 * @param question the prompt head
 * @param negCount rejected children taken at the node
 * @param posCount chosen children taken at the node
 */
public record CandidatePair(
    String prefix,
    String chosenStep,
    String chosenSteps,
    String rejectedStep,
    String rejectedSteps,
    double stepMargin,
    double stepsMargin,
    String question,
    int negCount,
    int posCount) {

  public CandidatePair {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(chosenStep, "chosenStep");
    Objects.requireNonNull(chosenSteps, "chosenSteps");
    Objects.requireNonNull(rejectedStep, "rejectedStep");
    Objects.requireNonNull(rejectedSteps, "rejectedSteps");
    Objects.requireNonNull(question, "question");
  }

  /** The training pair this candidate becomes when it passes the filter. */
  public PreferencePair toPair() {
    return new PreferencePair(prefix, rejectedStep, chosenStep, negCount, posCount);
  }

  /** The reference's unfiltered record, compact, keys in the reference's order. */
  public String toJsonLine() {
    StringBuilder sb = new StringBuilder("{");
    PyJson.key(sb, "prefix");
    PyJson.string(sb, prefix);
    PyJson.key(sb, "chosen_step");
    PyJson.string(sb, chosenStep);
    PyJson.key(sb, "chosen_steps");
    PyJson.string(sb, chosenSteps);
    PyJson.key(sb, "rejected_step");
    PyJson.string(sb, rejectedStep);
    PyJson.key(sb, "rejected_steps");
    PyJson.string(sb, rejectedSteps);
    PyJson.key(sb, "step_margin").append(PyJson.floatRepr(stepMargin));
    PyJson.key(sb, "steps_margin").append(PyJson.floatRepr(stepsMargin));
    PyJson.key(sb, "question");
    PyJson.string(sb, question);
    PyJson.key(sb, "neg_count").append(negCount);
    PyJson.key(sb, "pos_count").append(posCount);
    return sb.append('}').toString();
  }
}
