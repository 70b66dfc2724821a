package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other pre-tokenizer configurations against the reference: the Qwen3 vocabulary with the
 * pre-tokenizer swapped for GPT-2's {@code ByteLevel} (regex and prefix space), Llama 3's split
 * pattern, and a pattern without a hand-written scanner (the java.util.regex path).
 */
class PreTokenizerVariantsTest {
  @TempDir static Path dir;
  static JsonObject qwen;

  @BeforeAll
  static void load() throws Exception {
    qwen =
        JsonParser.parseString(Files.readString(TestAssets.require(TestAssets.QWEN3_TOKENIZER)))
            .getAsJsonObject();
  }

  private static String split(String regex, String behavior) {
    JsonObject p = new JsonObject();
    p.addProperty("Regex", regex);
    return "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":"
        + p
        + ",\"behavior\":\""
        + behavior
        + "\",\"invert\":false},"
        + "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":false}]}";
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gpt2",
        "gpt2-prefix-space",
        "llama3",
        "generic-regex",
        "generic-removed",
        "no-normalizer"
      })
  void matchesTheReference(String variant) throws Exception {
    JsonObject t = qwen.deepCopy();
    String pre;
    switch (variant) {
      case "gpt2" ->
          pre =
              "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}";
      case "gpt2-prefix-space" ->
          pre =
              "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}";
      case "llama3" -> pre = split(GptSplit.LLAMA3_PATTERN, "Isolated");
      case "generic-regex" ->
          pre = split("\\p{L}+|\\p{N}{1,2}|\\s+|[^\\s\\p{L}\\p{N}]+", "Isolated");
      case "generic-removed" -> pre = split("\\s+", "Removed");
      case "no-normalizer" -> {
        pre = t.get("pre_tokenizer").toString();
        t.add("normalizer", null);
      }
      default -> throw new IllegalArgumentException(variant);
    }
    t.add("pre_tokenizer", JsonParser.parseString(pre));
    Path file = dir.resolve(variant + ".json");
    Files.writeString(file, t.toString());
    Tokenizer ours = Tokenizers.fromFile(file);
    List<String> texts = new ArrayList<>(QwenTokenizerTest.ADVERSARIAL);
    texts.addAll(QwenTokenizerTest.questions("math500_test.json"));
    List<String> mismatches = new ArrayList<>();
    try (Reference reference = Reference.of(file)) {
      for (String s : texts) {
        int[] want = reference.encode(s);
        int[] got = ours.encode(s);
        if (!Arrays.equals(want, got) && mismatches.size() < 5) {
          mismatches.add(QwenTokenizerTest.describe(s, want, got));
        }
      }
    }
    if (!mismatches.isEmpty()) {
      fail(variant + ": ids differ from the reference on:\n" + String.join("\n", mismatches));
    }
  }
}
