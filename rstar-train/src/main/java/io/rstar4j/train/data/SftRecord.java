package io.rstar4j.train.data;

import java.util.Objects;

/**
 * One policy fine-tuning record: a question and a correct solution.
 *
 * @param query the question
 * @param response the solution text (every step's text, trimmed)
 */
public record SftRecord(String query, String response) {
  public SftRecord {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(response, "response");
  }

  /** {@code {"query":...,"response":...}}, compact, keys in this order, no line break. */
  public String toJsonLine() {
    StringBuilder sb = new StringBuilder("{");
    PyJson.key(sb, "query");
    PyJson.string(sb, query);
    PyJson.key(sb, "response");
    PyJson.string(sb, response);
    return sb.append('}').toString();
  }
}
