package io.rstar4j.train.ppm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How texts are fed to an ONNX backbone.
 *
 * @param contextLength the most tokens per text, special tokens included (texts are cut from the
 *     left beyond it)
 * @param batchSize how many texts one model call takes
 * @param prefixTokens special tokens put before every text (e.g. {@code [CLS]}); null: chosen from
 *     the model (BERT-style encoders get {@code [CLS]}, decoders nothing)
 * @param suffixTokens special tokens put after every text (e.g. {@code [SEP]}); null: as above
 * @param padToken the padding token; null: {@code [PAD]}, {@code <|endoftext|>} or id 0
 * @param hiddenOutput the model output holding the hidden states; null: {@code last_hidden_state},
 *     {@code hidden_states}, or a merged head's {@code values}/{@code score}
 * @param device {@code cpu} or {@code cuda} (falls back to CPU with a log line)
 */
public record BackboneSettings(
    int contextLength,
    int batchSize,
    List<String> prefixTokens,
    List<String> suffixTokens,
    String padToken,
    String hiddenOutput,
    String device) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on a context below 4, a batch below 1 or an unknown device
   * @throws NullPointerException if device is null
   */
  public BackboneSettings {
    contextLength = checkContextLength(contextLength);
    batchSize = checkBatchSize(batchSize);
    prefixTokens = prefixTokens == null ? null : List.copyOf(prefixTokens);
    suffixTokens = suffixTokens == null ? null : List.copyOf(suffixTokens);
    device = TrainingConfig.checkDevice(device);
  }

  /** Context 512, batch 16, everything else chosen from the model, CPU. */
  public static BackboneSettings defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings (none of them counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.contextLength = contextLength;
    b.batchSize = batchSize;
    b.prefixTokens = prefixTokens;
    b.suffixTokens = suffixTokens;
    b.padToken = padToken;
    b.hiddenOutput = hiddenOutput;
    b.device = device;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkContextLength(int v) {
    return Checks.atLeast("contextLength", v, 4);
  }

  private static int checkBatchSize(int v) {
    return Checks.positive("batchSize", v);
  }

  /**
   * Builder of {@link BackboneSettings}, starting from {@link #defaults()}: every setter validates
   * at once, and setting an option twice fails ("contextLength was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int contextLength = 512;
    private int batchSize = 16;
    private List<String> prefixTokens;
    private List<String> suffixTokens;
    private String padToken;
    private String hiddenOutput;
    private String device = "cpu";

    private Builder() {}

    /**
     * The most tokens per text, special tokens included.
     *
     * @throws IllegalArgumentException if below 4
     * @throws IllegalStateException if already set
     */
    public Builder contextLength(int v) {
      set.mark("contextLength");
      contextLength = checkContextLength(v);
      return this;
    }

    /**
     * How many texts one model call takes.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder batchSize(int v) {
      set.mark("batchSize");
      batchSize = checkBatchSize(v);
      return this;
    }

    /**
     * Explicit special tokens put before and after every text (instead of choosing them from the
     * model).
     *
     * @throws NullPointerException if a list or a token is null
     * @throws IllegalStateException if already set
     */
    public Builder specialTokens(List<String> prefix, List<String> suffix) {
      set.mark("specialTokens");
      prefixTokens = List.copyOf(prefix);
      suffixTokens = List.copyOf(suffix);
      return this;
    }

    /**
     * The padding token (instead of {@code [PAD]}, {@code <|endoftext|>} or id 0).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder padToken(String v) {
      set.mark("padToken");
      padToken = Objects.requireNonNull(v, "padToken");
      return this;
    }

    /**
     * The model output holding the hidden states (instead of choosing it from the model).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder hiddenOutput(String v) {
      set.mark("hiddenOutput");
      hiddenOutput = Objects.requireNonNull(v, "hiddenOutput");
      return this;
    }

    /**
     * {@code cpu} or {@code cuda}.
     *
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if neither
     * @throws IllegalStateException if already set
     */
    public Builder device(String v) {
      set.mark("device");
      device = TrainingConfig.checkDevice(v);
      return this;
    }

    /** The settings. */
    public BackboneSettings build() {
      return new BackboneSettings(
          contextLength, batchSize, prefixTokens, suffixTokens, padToken, hiddenOutput, device);
    }
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("context_length", contextLength);
    o.addProperty("batch_size", batchSize);
    if (prefixTokens != null) {
      o.add("prefix_tokens", array(prefixTokens));
    }
    if (suffixTokens != null) {
      o.add("suffix_tokens", array(suffixTokens));
    }
    if (padToken != null) {
      o.addProperty("pad_token", padToken);
    }
    if (hiddenOutput != null) {
      o.addProperty("hidden_output", hiddenOutput);
    }
    o.addProperty("device", device);
    return o;
  }

  static BackboneSettings fromJson(JsonObject o) {
    BackboneSettings d = defaults();
    return new BackboneSettings(
        o.has("context_length") ? o.get("context_length").getAsInt() : d.contextLength(),
        o.has("batch_size") ? o.get("batch_size").getAsInt() : d.batchSize(),
        strings(o.get("prefix_tokens")),
        strings(o.get("suffix_tokens")),
        o.has("pad_token") ? o.get("pad_token").getAsString() : null,
        o.has("hidden_output") ? o.get("hidden_output").getAsString() : null,
        o.has("device") ? o.get("device").getAsString() : d.device());
  }

  private static JsonArray array(List<String> l) {
    JsonArray a = new JsonArray();
    l.forEach(a::add);
    return a;
  }

  private static List<String> strings(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
    return out;
  }
}
