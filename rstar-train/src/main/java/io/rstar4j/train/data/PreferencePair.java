package io.rstar4j.train.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Objects;

/**
 * One PPM training pair in the reference's field names: the prefix, a rejected and a chosen next
 * step, and how many chosen and rejected siblings the node contributed (the loss weight is {@code
 * 1/(posCount*negCount)}).
 *
 * @param prompt the prompt head and the steps before the pair's steps
 * @param neg the rejected step's text
 * @param pos the chosen step's text
 * @param negCount the number of rejected siblings taken at that node
 * @param posCount the number of chosen siblings taken at that node
 */
public record PreferencePair(String prompt, String neg, String pos, int negCount, int posCount) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when a count is negative
   */
  public PreferencePair {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(neg, "neg");
    Objects.requireNonNull(pos, "pos");
    if (negCount < 0 || posCount < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
  }

  /** The reference's loss weight: {@code 1/(pos*neg)}, or {@code 1/(pos+neg)} when one is 0. */
  public double lossWeight() {
    if (posCount == 0 || negCount == 0) {
      int s = posCount + negCount;
      return s == 0 ? 1.0 : 1.0 / s;
    }
    return 1.0 / ((double) posCount * negCount);
  }

  /** {@code {"prompt","neg","pos","neg_count","pos_count"}}, compact, in this key order. */
  public String toJsonLine() {
    StringBuilder sb = new StringBuilder("{");
    PyJson.key(sb, "prompt");
    PyJson.string(sb, prompt);
    PyJson.key(sb, "neg");
    PyJson.string(sb, neg);
    PyJson.key(sb, "pos");
    PyJson.string(sb, pos);
    PyJson.key(sb, "neg_count").append(negCount);
    PyJson.key(sb, "pos_count").append(posCount);
    return sb.append('}').toString();
  }

  /**
   * Parses one line of a pair file. {@code neg_count} and {@code pos_count} default to 1.
   *
   * @throws IllegalArgumentException when the line is not such an object
   */
  public static PreferencePair fromJsonLine(String line) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(line);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    return new PreferencePair(
        requireString(o, "prompt"),
        requireString(o, "neg"),
        requireString(o, "pos"),
        optionalCount(o, "neg_count"),
        optionalCount(o, "pos_count"));
  }

  private static String requireString(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("missing or non-string \"" + key + "\"");
    }
    return e.getAsString();
  }

  private static int optionalCount(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return 1;
    }
    try {
      int v = e.getAsInt();
      if (v < 0) {
        throw new IllegalArgumentException("\"" + key + "\" must be >= 0, was " + v);
      }
      return v;
    } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
      throw new IllegalArgumentException("\"" + key + "\" must be an integer");
    }
  }
}
