package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.Objects;

/** An operand of a plan step: a number or the result of an earlier step. */
public sealed interface Operand permits Operand.Literal, Operand.Ref {

  /**
   * A number: stated in the question, or a constant the step implies (12 for a dozen, 60 minutes in
   * an hour).
   *
   * @param value the exact value
   */
  record Literal(BigDecimal value) implements Operand {
    /**
     * Validates and canonicalises.
     *
     * @throws NullPointerException if value is null
     */
    public Literal {
      value = Numbers.canonical(Objects.requireNonNull(value, "value"));
    }

    @Override
    public String toString() {
      return value.toPlainString();
    }
  }

  /**
   * The result of an earlier step.
   *
   * @param variable that step's variable
   */
  record Ref(String variable) implements Operand {
    /**
     * Validates.
     *
     * @throws NullPointerException if variable is null
     * @throws IllegalArgumentException if it is not a Python identifier
     */
    public Ref {
      Objects.requireNonNull(variable, "variable");
      if (!Numbers.isIdentifier(variable)) {
        throw new IllegalArgumentException("not a Python identifier: '" + variable + "'");
      }
    }

    @Override
    public String toString() {
      return variable;
    }
  }
}
