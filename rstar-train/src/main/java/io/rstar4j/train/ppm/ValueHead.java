package io.rstar4j.train.ppm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The PPM's value head: {@code Linear(hidden, 1)} applied to the hidden state of the last non-pad
 * token. Immutable. Stored apart from the backbone as a small JSON file, so one backbone can serve
 * policy and PPM, and a server that has the hidden states (a served reward model) can apply it
 * without ONNX: {@code {"hidden_size": H, "weight": [H floats], "bias": b, "squash": "tanh(r/5)"}}.
 * With {@code h} the backbone's final hidden state ({@code last_hidden_state}, after the final
 * norm) at the text's last non-pad token, the raw score is {@code r = sum_i weight[i] * h[i] +
 * bias} (computed in double) and the reported score is {@code tanh(r / 5)}, in (-1, 1), as {@code
 * squash} says. Readers ignore {@code squash} (older files lack it) and accept a missing {@code
 * bias} as 0.
 */
public final class ValueHead {
  /**
   * The {@code squash} field of a head file: the score reported for a raw head output {@code r} is
   * {@code tanh(r / 5)} ({@link ProcessPreferenceModel}'s default scale).
   */
  public static final String SQUASH = "tanh(r/5)";

  /** The usual file name of a head inside a PPM directory. */
  public static final String FILE_NAME = "value_head.json";

  private final float[] weight;
  private final float bias;

  private ValueHead(float[] weight, float bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * A head with the given weights.
   *
   * @throws IllegalArgumentException when empty or not finite
   */
  public static ValueHead of(float[] weight, float bias) {
    if (weight.length == 0) {
      throw new IllegalArgumentException("a value head needs at least one weight");
    }
    for (float w : weight) {
      if (!Float.isFinite(w)) {
        throw new IllegalArgumentException("value head weights must be finite");
      }
    }
    if (!Float.isFinite(bias)) {
      throw new IllegalArgumentException("value head bias must be finite");
    }
    return new ValueHead(weight.clone(), bias);
  }

  /** A zero head (every score 0): the starting point of training. */
  public static ValueHead zeros(int hidden) {
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden size must be >= 1, was " + hidden);
    }
    return new ValueHead(new float[hidden], 0f);
  }

  /** A head with N(0, std^2) weights from a seed, bias 0. */
  public static ValueHead random(int hidden, double std, long seed) {
    ValueHead z = zeros(hidden);
    Random r = new Random(seed);
    for (int i = 0; i < hidden; i++) {
      z.weight[i] = (float) (r.nextGaussian() * std);
    }
    return z;
  }

  /** The input size. */
  public int hiddenSize() {
    return weight.length;
  }

  /** A copy of the weights. */
  public float[] weight() {
    return weight.clone();
  }

  /** The bias. */
  public float bias() {
    return bias;
  }

  /**
   * The raw score {@code r = w . x + b} of one hidden state.
   *
   * @throws IllegalArgumentException when the hidden size differs
   */
  public double raw(float[] hiddenState) {
    if (hiddenState.length != weight.length) {
      throw new IllegalArgumentException(
          "the value head has hidden size "
              + weight.length
              + " but the hidden state has "
              + hiddenState.length);
    }
    double s = bias;
    for (int i = 0; i < weight.length; i++) {
      s += (double) weight[i] * hiddenState[i];
    }
    return s;
  }

  /** The head as JSON. */
  public String toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("hidden_size", weight.length);
    JsonArray a = new JsonArray(weight.length);
    for (float w : weight) {
      a.add(w);
    }
    o.add("weight", a);
    o.addProperty("bias", bias);
    o.addProperty("squash", SQUASH);
    return o.toString();
  }

  /**
   * Parses {@link #toJson()}.
   *
   * @throws IllegalArgumentException on a malformed head
   */
  public static ValueHead fromJson(String json) {
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      JsonArray a = o.getAsJsonArray("weight");
      float[] w = new float[a.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = a.get(i).getAsFloat();
      }
      if (o.has("hidden_size") && o.get("hidden_size").getAsInt() != w.length) {
        throw new IllegalArgumentException(
            "hidden_size " + o.get("hidden_size").getAsInt() + " but " + w.length + " weights");
      }
      JsonElement b = o.get("bias");
      return of(w, b == null ? 0f : b.getAsFloat());
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a value head: " + e.getMessage(), e);
    }
  }

  /** Writes the head to a file. */
  public void save(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson());
  }

  /**
   * Reads a head file.
   *
   * @throws IllegalArgumentException on a malformed head (message names the file)
   */
  public static ValueHead load(Path file) throws IOException {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueHead h && h.bias == bias && Arrays.equals(h.weight, weight);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weight) * 31 + Float.hashCode(bias);
  }

  @Override
  public String toString() {
    return "ValueHead[hidden=" + weight.length + ", bias=" + bias + "]";
  }
}
