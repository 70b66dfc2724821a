package io.rstar4j.examples.cli;

/** Bad command-line arguments; the message says what is wrong. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
