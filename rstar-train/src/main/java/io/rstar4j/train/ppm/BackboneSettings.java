package io.rstar4j.train.ppm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
   * Validates.
   *
   * @throws IllegalArgumentException on a context below 4, a batch below 1 or an unknown device
   */
  public BackboneSettings {
    if (contextLength < 4) {
      throw new IllegalArgumentException("contextLength must be >= 4, was " + contextLength);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    prefixTokens = prefixTokens == null ? null : List.copyOf(prefixTokens);
    suffixTokens = suffixTokens == null ? null : List.copyOf(suffixTokens);
    Objects.requireNonNull(device, "device");
    if (!device.equals("cpu") && !device.equals("cuda")) {
      throw new IllegalArgumentException("device must be cpu or cuda, was " + device);
    }
  }

  /** Context 512, batch 16, everything else chosen from the model, CPU. */
  public static BackboneSettings defaults() {
    return new BackboneSettings(512, 16, null, null, null, null, "cpu");
  }

  /** These settings with another context length. */
  public BackboneSettings withContextLength(int n) {
    return new BackboneSettings(
        n, batchSize, prefixTokens, suffixTokens, padToken, hiddenOutput, device);
  }

  /** These settings with another batch size. */
  public BackboneSettings withBatchSize(int n) {
    return new BackboneSettings(
        contextLength, n, prefixTokens, suffixTokens, padToken, hiddenOutput, device);
  }

  /** These settings on another device. */
  public BackboneSettings withDevice(String d) {
    return new BackboneSettings(
        contextLength, batchSize, prefixTokens, suffixTokens, padToken, hiddenOutput, d);
  }

  /** These settings with explicit special tokens around every text. */
  public BackboneSettings withSpecialTokens(List<String> prefix, List<String> suffix) {
    return new BackboneSettings(
        contextLength, batchSize, prefix, suffix, padToken, hiddenOutput, device);
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
