package io.rstar4j.core;

/** What a generated step is, read from its text and stop string (see {@link StepFormat}). */
public enum StepKind {
  /** An intermediate code step, ending {@code <end_of_step>}. */
  CODE,
  /** The last code step of a block, ending {@code <end_of_code>}; its output is appended. */
  CODE_END,
  /** A final answer step: its text contains {@code boxed}. Always terminal. */
  ANSWER,
  /** A generation that ended without any known stop string and holds no answer. */
  UNPARSABLE;

  /** Whether this kind carries Python code to run. */
  public boolean hasCode() {
    return this == CODE || this == CODE_END;
  }
}
