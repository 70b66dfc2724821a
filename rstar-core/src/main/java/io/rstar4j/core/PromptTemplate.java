package io.rstar4j.core;

import java.util.Objects;

/**
 * The reference's prompt heads. The search prompt puts a blank line before the assistant turn; the
 * training records (SFT and preference pairs) use a single line break.
 */
public enum PromptTemplate {
  /** {@code <|user|>:\n{question}\n\n<|assistant|>: Let's think ...} as used during search. */
  SEARCH("\n\n"),
  /** {@code <|user|>:\n{question}\n<|assistant|>: Let's think ...} as in the training data. */
  TRAINING("\n");

  /** The assistant's opening words after which the solution steps follow. */
  public static final String ASSISTANT_OPENING =
      "<|assistant|>: Let's think step by step and solve the problem with code.";

  private final String separator;

  PromptTemplate(String separator) {
    this.separator = separator;
  }

  /** The prompt head for a question: everything before the first step. */
  public String head(String question) {
    Objects.requireNonNull(question, "question");
    return "<|user|>:\n" + question + separator + ASSISTANT_OPENING;
  }

  /** The full prompt: the head followed by the partial solution's text. */
  public String render(String question, Trajectory partial) {
    return head(question) + partial.solutionText();
  }
}
