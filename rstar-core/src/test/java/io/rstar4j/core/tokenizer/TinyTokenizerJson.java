package io.rstar4j.core.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;

/** Writes small byte-level BPE tokenizer.json files in Hugging Face format, for tests. */
final class TinyTokenizerJson {
  private TinyTokenizerJson() {}

  /** The byte-level symbol of a byte. */
  static String sym(int b) {
    return String.valueOf(ByteLevel.BYTE_TO_CHAR[b]);
  }

  /**
   * A byte-level BPE: ids 0..255 are the bytes (in byte order), then one id per merge, then the
   * added tokens.
   *
   * @param merges pairs of symbol strings, in rank order
   * @param arrayMerges whether merges are written as {@code ["a","b"]} (else {@code "a b"})
   * @param qwenSplit whether the pre-tokenizer is Qwen2's Split + ByteLevel (else ByteLevel alone)
   */
  static String bpe(
      List<String[]> merges, boolean arrayMerges, boolean qwenSplit, List<String> specials) {
    JsonObject vocab = new JsonObject();
    for (int b = 0; b < 256; b++) {
      vocab.addProperty(sym(b), b);
    }
    int next = 256;
    JsonArray ms = new JsonArray();
    for (String[] m : merges) {
      String merged = m[0] + m[1];
      if (!vocab.has(merged)) {
        vocab.addProperty(merged, next++);
      }
      if (arrayMerges) {
        JsonArray pair = new JsonArray();
        pair.add(m[0]);
        pair.add(m[1]);
        ms.add(pair);
      } else {
        ms.add(m[0] + " " + m[1]);
      }
    }
    JsonArray added = new JsonArray();
    for (String s : specials) {
      JsonObject t = new JsonObject();
      t.addProperty("id", next++);
      t.addProperty("content", s);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("dropout", null);
    model.add("unk_token", null);
    model.addProperty("continuing_subword_prefix", "");
    model.addProperty("end_of_word_suffix", "");
    model.addProperty("fuse_unk", false);
    model.addProperty("byte_fallback", false);
    model.addProperty("ignore_merges", false);
    model.add("vocab", vocab);
    model.add("merges", ms);
    JsonObject byteLevel =
        JsonParser.parseString(
                "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":"
                    + (qwenSplit ? "false" : "true")
                    + "}")
            .getAsJsonObject();
    JsonObject pre;
    if (qwenSplit) {
      pre = new JsonObject();
      pre.addProperty("type", "Sequence");
      JsonArray ps = new JsonArray();
      JsonObject split = new JsonObject();
      split.addProperty("type", "Split");
      JsonObject pattern = new JsonObject();
      pattern.addProperty("Regex", GptSplit.QWEN2_PATTERN);
      split.add("pattern", pattern);
      split.addProperty("behavior", "Isolated");
      split.addProperty("invert", false);
      ps.add(split);
      ps.add(byteLevel);
      pre.add("pretokenizers", ps);
    } else {
      pre = byteLevel;
    }
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", null);
    root.add("padding", null);
    root.add("added_tokens", added);
    root.add("normalizer", qwenSplit ? JsonParser.parseString("{\"type\":\"NFC\"}") : null);
    root.add("pre_tokenizer", pre);
    root.add("post_processor", byteLevel.deepCopy());
    root.add("decoder", byteLevel.deepCopy());
    root.add("model", model);
    return root.toString();
  }
}
