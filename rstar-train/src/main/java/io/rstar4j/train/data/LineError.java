package io.rstar4j.train.data;

/**
 * An input line that could not be used; the rest of the file was kept.
 *
 * @param line the 1-based line number
 * @param message what was wrong
 */
public record LineError(long line, String message) {
  @Override
  public String toString() {
    return "line " + line + ": " + message;
  }
}
