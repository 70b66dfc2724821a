package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The hidden solution of a word problem: the steps in the order the question states them, the last
 * one computing the answer. Every step is needed for the answer (distractor facts have no step).
 * Kept for tests and diagnostics; the bootstrap policy never reads it.
 *
 * @param steps the steps, at least one
 */
public record SolutionPlan(List<PlanStep> steps) {

  /**
   * Validates: variables are unique, every reference names an earlier step, and each step's value
   * is what its arithmetic gives on its operands.
   *
   * @throws IllegalArgumentException if the plan is empty or inconsistent
   */
  public SolutionPlan {
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a solution plan needs at least one step");
    }
    java.util.Map<String, BigDecimal> values = new java.util.HashMap<>();
    for (PlanStep s : steps) {
      List<BigDecimal> in = new ArrayList<>();
      for (Operand o : s.operands()) {
        if (o instanceof Operand.Ref r) {
          BigDecimal v = values.get(r.variable());
          if (v == null) {
            throw new IllegalArgumentException(
                "step " + s.variable() + " refers to " + r.variable() + ", not an earlier step");
          }
          in.add(v);
        } else {
          in.add(((Operand.Literal) o).value());
        }
      }
      BigDecimal v;
      try {
        v = s.arithmetic().apply(in);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("step " + s + ": " + e.getMessage(), e);
      }
      if (v.compareTo(s.value()) != 0) {
        throw new IllegalArgumentException(
            "step " + s + ": its operands give " + v.toPlainString());
      }
      if (values.put(s.variable(), s.value()) != null) {
        throw new IllegalArgumentException("variable " + s.variable() + " is defined twice");
      }
    }
  }

  /** The exact answer: the value of the last step. */
  public BigDecimal answer() {
    return steps.get(steps.size() - 1).value();
  }

  /** The answer as the gold string: {@code 18}, {@code 7.5}. */
  public String answerText() {
    return Numbers.text(answer());
  }

  /** The kinds of the steps, in order. */
  public List<OpKind> operations() {
    List<OpKind> out = new ArrayList<>(steps.size());
    for (PlanStep s : steps) {
      out.add(s.kind());
    }
    return List.copyOf(out);
  }

  /** The numbers the steps use as literal operands, without repeats, in order of use. */
  public List<BigDecimal> literals() {
    Set<BigDecimal> seen = new HashSet<>();
    List<BigDecimal> out = new ArrayList<>();
    for (PlanStep s : steps) {
      for (Operand o : s.operands()) {
        if (o instanceof Operand.Literal l && seen.add(l.value())) {
          out.add(l.value());
        }
      }
    }
    return List.copyOf(out);
  }
}
