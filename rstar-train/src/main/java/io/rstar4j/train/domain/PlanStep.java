package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One step of a hidden solution plan: {@code variable = arithmetic(operands)}.
 *
 * @param variable the Python variable the step defines (unique within its plan)
 * @param kind what the step does in word-problem terms
 * @param arithmetic the operation it computes
 * @param operands the operands, as many as the arithmetic takes
 * @param value the exact result
 */
public record PlanStep(
    String variable, OpKind kind, Arithmetic arithmetic, List<Operand> operands, BigDecimal value) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if an argument or operand is null
   * @throws IllegalArgumentException if the variable is not a Python identifier or the operand
   *     count does not match the arithmetic
   */
  public PlanStep {
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(arithmetic, "arithmetic");
    operands = List.copyOf(operands);
    value = Numbers.canonical(Objects.requireNonNull(value, "value"));
    if (!Numbers.isIdentifier(variable)) {
      throw new IllegalArgumentException("not a Python identifier: '" + variable + "'");
    }
    if (operands.size() != arithmetic.arity()) {
      throw new IllegalArgumentException(
          "step "
              + variable
              + ": "
              + arithmetic
              + " takes "
              + arithmetic.arity()
              + " operands, was given "
              + operands.size());
    }
  }

  @Override
  public String toString() {
    return variable + " = " + arithmetic + operands + " = " + value.toPlainString();
  }
}
