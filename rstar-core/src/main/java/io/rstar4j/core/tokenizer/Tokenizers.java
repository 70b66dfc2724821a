package io.rstar4j.core.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Loads a {@link Tokenizer} from a Hugging Face {@code tokenizer.json}, in pure Java.
 *
 * <p>Supported: model {@code BPE} in its byte-level form (a {@code ByteLevel} pre-tokenizer or
 * decoder, as in GPT-2, Qwen2/2.5/3 and Llama 3), merges written as {@code "a b"} or {@code ["a",
 * "b"]}, pre-tokenizers {@code Sequence}, {@code Split} (behaviour {@code Isolated} or {@code
 * Removed}), {@code ByteLevel}, {@code BertPreTokenizer}; model {@code WordPiece} (BERT-style
 * encoders); normalizers {@code NFC}, {@code NFD}, {@code NFKC}, {@code NFKD}, {@code Lowercase},
 * {@code BertNormalizer}, {@code Sequence}; post-processors {@code ByteLevel}, {@code
 * TemplateProcessing}, {@code BertProcessing}, {@code RobertaProcessing}, {@code Sequence} (used
 * only by {@link Tokenizer#encode(String, boolean)}). Added tokens are matched inside text on the
 * raw text. Truncation and padding settings in the file are ignored. A lone surrogate in the text
 * is encoded as U+FFFD. Anything else is rejected with an {@link IllegalArgumentException} that
 * names it.
 */
public final class Tokenizers {

  private Tokenizers() {}

  /**
   * Loads a {@code tokenizer.json} file, or the {@code tokenizer.json} inside a directory.
   *
   * @throws IllegalArgumentException if the file does not exist, is not a tokenizer JSON, or
   *     describes a tokenizer of an unsupported kind (the message names the file and the kind)
   * @throws UncheckedIOException if the file exists but cannot be read
   */
  public static Tokenizer fromFile(Path file) {
    Path f = file;
    if (Files.isDirectory(f)) {
      f = f.resolve("tokenizer.json");
    }
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("tokenizer file not found: " + f.toAbsolutePath());
    }
    try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      return parse(in, f.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer file " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads a {@code tokenizer.json} from a stream (read fully, not closed).
   *
   * @throws IllegalArgumentException as {@link #fromJson(String)}
   * @throws UncheckedIOException if the stream cannot be read
   */
  public static Tokenizer fromStream(InputStream in) {
    return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "tokenizer JSON stream");
  }

  /**
   * Loads a tokenizer from the text of a {@code tokenizer.json}.
   *
   * @throws IllegalArgumentException if the text is not a tokenizer JSON or describes a tokenizer
   *     of an unsupported kind
   */
  public static Tokenizer fromJson(String json) {
    return parse(json, "tokenizer JSON");
  }

  private static Tokenizer parse(String json, String source) {
    return parse(new StringReader(json), source);
  }

  private static Tokenizer parse(Reader in, String source) {
    TokenizerJson tj;
    try {
      tj = TokenizerJson.read(in);
    } catch (TokenizerJson.NotATokenizerException e) {
      throw notATokenizer(source);
    } catch (com.google.gson.stream.MalformedJsonException
        | java.io.EOFException
        | JsonParseException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(source + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
    } catch (IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(
          source + ": malformed tokenizer.json (" + e.getMessage() + ")", e);
    }
    if (!tj.hasModel) {
      throw notATokenizer(source);
    }
    try {
      return new Loader(tj, source).load();
    } catch (IllegalStateException
        | ClassCastException
        | UnsupportedOperationException
        | NullPointerException
        | NumberFormatException e) {
      // Gson's accessors throw these on fields of the wrong shape
      throw new IllegalArgumentException(
          source + ": malformed tokenizer.json (" + e.getMessage() + ")", e);
    }
  }

  private static IllegalArgumentException notATokenizer(String source) {
    return new IllegalArgumentException(
        source
            + " is not a Hugging Face tokenizer.json: expected a JSON object with a \"model\" object");
  }

  /** Reads one tokenizer.json object. */
  private static final class Loader {
    private final TokenizerJson json;
    private final JsonObject root;
    private final String source;

    Loader(TokenizerJson json, String source) {
      this.json = json;
      this.root = json.root;
      this.source = source;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(source + ": " + message);
    }

    Tokenizer load() {
      JsonObject model = json.model;
      String type = str(model, "type");
      if (type == null) {
        // old files omit the type: infer it
        if (json.merges != null) {
          type = "BPE";
        } else if (model.has("continuing_subword_prefix")
            && model.has("max_input_chars_per_word")) {
          type = "WordPiece";
        } else {
          type = "(none)";
        }
      }
      switch (type) {
        case "BPE":
          return loadBpe(model);
        case "WordPiece":
          return loadWordPiece(model);
        default:
          throw error(
              "unsupported tokenizer model type '"
                  + type
                  + "': rstar4j reads byte-level BPE and WordPiece tokenizer.json files");
      }
    }

    // ---------- shared parts

    private Map<String, Integer> vocab() {
      if (json.vocab == null) {
        throw error("model.vocab must be an object of token -> id");
      }
      for (Map.Entry<String, Integer> e : json.vocab.entrySet()) {
        if (e.getValue() < 0) {
          throw error("negative id " + e.getValue() + " for token '" + e.getKey() + "'");
        }
      }
      return json.vocab;
    }

    private List<AddedVocabulary.AddedToken> addedTokens() {
      List<AddedVocabulary.AddedToken> out = new ArrayList<>();
      JsonElement a = root.get("added_tokens");
      if (a == null || a.isJsonNull()) {
        return out;
      }
      for (JsonElement e : a.getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        int id = o.get("id").getAsInt();
        String content = o.get("content").getAsString();
        if (content.isEmpty()) {
          throw error("added token " + id + " has empty content");
        }
        out.add(
            new AddedVocabulary.AddedToken(
                id,
                content,
                bool(o, "special", false),
                bool(o, "lstrip", false),
                bool(o, "rstrip", false),
                bool(o, "single_word", false)));
      }
      return out;
    }

    private TextNormalizer normalizer(JsonElement el) {
      if (el == null || el.isJsonNull()) {
        return null;
      }
      JsonObject o = el.getAsJsonObject();
      String type = str(o, "type");
      switch (String.valueOf(type)) {
        case "NFC":
          return TextNormalizer.unicode(Normalizer.Form.NFC);
        case "NFD":
          return TextNormalizer.unicode(Normalizer.Form.NFD);
        case "NFKC":
          return TextNormalizer.unicode(Normalizer.Form.NFKC);
        case "NFKD":
          return TextNormalizer.unicode(Normalizer.Form.NFKD);
        case "Lowercase":
          return TextNormalizer::lowercase;
        case "BertNormalizer":
          {
            boolean lowercase = bool(o, "lowercase", true);
            JsonElement sa = o.get("strip_accents");
            boolean strip = sa == null || sa.isJsonNull() ? lowercase : sa.getAsBoolean();
            return Bert.normalizer(
                bool(o, "clean_text", true),
                bool(o, "handle_chinese_chars", true),
                strip,
                lowercase);
          }
        case "Sequence":
          {
            List<TextNormalizer> parts = new ArrayList<>();
            for (JsonElement p : o.getAsJsonArray("normalizers")) {
              TextNormalizer n = normalizer(p);
              if (n != null) {
                parts.add(n);
              }
            }
            return parts.isEmpty() ? null : TextNormalizer.sequence(parts);
          }
        default:
          throw error("unsupported normalizer type '" + type + "'");
      }
    }

    /** Flattens the pre-tokenizer into stages; records whether a ByteLevel stage was present. */
    private void preTokenizer(JsonElement el, List<PreTokenizer> stages, boolean[] byteLevel) {
      if (el == null || el.isJsonNull()) {
        return;
      }
      JsonObject o = el.getAsJsonObject();
      String type = str(o, "type");
      switch (String.valueOf(type)) {
        case "Sequence":
          for (JsonElement p : o.getAsJsonArray("pretokenizers")) {
            preTokenizer(p, stages, byteLevel);
          }
          return;
        case "ByteLevel":
          {
            byteLevel[0] = true;
            ByteLevelPreTokenizer b =
                new ByteLevelPreTokenizer(
                    bool(o, "add_prefix_space", false), bool(o, "use_regex", true));
            if (!b.isIdentity()) {
              stages.add(b);
            }
            return;
          }
        case "Split":
          {
            if (bool(o, "invert", false)) {
              throw error("Split pre-tokenizer with invert=true is not supported");
            }
            String behavior = String.valueOf(str(o, "behavior"));
            if (!behavior.equals("Isolated") && !behavior.equals("Removed")) {
              throw error(
                  "Split pre-tokenizer behavior '"
                      + behavior
                      + "' is not supported (only Isolated and Removed)");
            }
            JsonObject pattern = o.getAsJsonObject("pattern");
            String regex;
            if (pattern.has("Regex")) {
              regex = pattern.get("Regex").getAsString();
              GptSplit known = GptSplit.forPattern(regex);
              if (known != null && behavior.equals("Isolated")) {
                stages.add(known);
                return;
              }
            } else if (pattern.has("String")) {
              regex = java.util.regex.Pattern.quote(pattern.get("String").getAsString());
            } else {
              throw error(
                  "Split pre-tokenizer pattern must be {\"Regex\": ...} or {\"String\": ...}");
            }
            try {
              stages.add(new RegexSplit(RegexSplit.compile(regex), behavior.equals("Removed")));
            } catch (PatternSyntaxException e) {
              throw error(
                  "Split pre-tokenizer pattern does not compile in Java: " + e.getDescription());
            }
            return;
          }
        case "BertPreTokenizer":
          stages.add(Bert.PRE_TOKENIZER);
          return;
        default:
          throw error("unsupported pre_tokenizer type '" + type + "'");
      }
    }

    private static boolean hasByteLevel(JsonElement el) {
      if (el == null || el.isJsonNull() || !el.isJsonObject()) {
        return false;
      }
      JsonObject o = el.getAsJsonObject();
      if ("ByteLevel".equals(str(o, "type"))) {
        return true;
      }
      for (String k : new String[] {"decoders", "processors", "pretokenizers"}) {
        if (o.has(k) && o.get(k).isJsonArray()) {
          for (JsonElement p : o.getAsJsonArray(k)) {
            if (hasByteLevel(p)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    private SpecialTokensTemplate template(
        JsonElement el, Map<String, Integer> ids, Map<String, Integer> vocab) {
      if (el == null || el.isJsonNull()) {
        return SpecialTokensTemplate.NONE;
      }
      JsonObject o = el.getAsJsonObject();
      String type = String.valueOf(str(o, "type"));
      switch (type) {
        case "ByteLevel":
          return SpecialTokensTemplate.NONE;
        case "BertProcessing":
        case "RobertaProcessing":
          {
            int cls = o.getAsJsonArray("cls").get(1).getAsInt();
            int sep = o.getAsJsonArray("sep").get(1).getAsInt();
            return new SpecialTokensTemplate(new int[] {cls}, new int[] {sep});
          }
        case "TemplateProcessing":
          {
            JsonObject specials = o.getAsJsonObject("special_tokens");
            IntList prefix = new IntList(2);
            IntList suffix = new IntList(2);
            boolean seen = false;
            for (JsonElement item : o.getAsJsonArray("single")) {
              JsonObject it = item.getAsJsonObject();
              if (it.has("Sequence")) {
                seen = true;
              } else if (it.has("SpecialToken")) {
                String name = it.getAsJsonObject("SpecialToken").get("id").getAsString();
                JsonArray tokIds =
                    specials != null && specials.has(name)
                        ? specials.getAsJsonObject(name).getAsJsonArray("ids")
                        : null;
                if (tokIds == null) {
                  Integer id = ids.containsKey(name) ? ids.get(name) : vocab.get(name);
                  if (id == null) {
                    throw error(
                        "post_processor names special token '" + name + "' that is not defined");
                  }
                  (seen ? suffix : prefix).add(id);
                } else {
                  for (JsonElement t : tokIds) {
                    (seen ? suffix : prefix).add(t.getAsInt());
                  }
                }
              }
            }
            return new SpecialTokensTemplate(prefix.toArray(), suffix.toArray());
          }
        case "Sequence":
          {
            IntList prefix = new IntList(2);
            IntList suffix = new IntList(2);
            for (JsonElement p : o.getAsJsonArray("processors")) {
              SpecialTokensTemplate t = template(p, ids, vocab);
              for (int id : t.prefix()) {
                prefix.add(id);
              }
              for (int id : t.suffix()) {
                suffix.add(id);
              }
            }
            return new SpecialTokensTemplate(prefix.toArray(), suffix.toArray());
          }
        default:
          throw error("unsupported post_processor type '" + type + "'");
      }
    }

    private static int maxId(Map<String, Integer> vocab, List<AddedVocabulary.AddedToken> added) {
      int max = -1;
      for (int id : vocab.values()) {
        max = Math.max(max, id);
      }
      for (AddedVocabulary.AddedToken t : added) {
        max = Math.max(max, t.id());
      }
      return max;
    }

    // ---------- BPE

    private Tokenizer loadBpe(JsonObject model) {
      Map<String, Integer> vocab = vocab();
      List<AddedVocabulary.AddedToken> added = addedTokens();
      List<PreTokenizer> stages = new ArrayList<>();
      boolean[] byteLevel = {false};
      preTokenizer(root.get("pre_tokenizer"), stages, byteLevel);
      boolean isByteLevel = byteLevel[0] || hasByteLevel(root.get("decoder"));
      if (!isByteLevel) {
        boolean bare = isNull(root.get("pre_tokenizer")) && isNull(root.get("decoder"));
        boolean hasAllBytes = true;
        for (int b = 0; b < 256 && hasAllBytes; b++) {
          hasAllBytes = vocab.containsKey(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
        }
        if (!(bare && hasAllBytes)) {
          throw error(
              "BPE tokenizer without a ByteLevel pre-tokenizer or decoder (e.g. SentencePiece-style"
                  + " BPE with Metaspace/byte_fallback) is not supported: rstar4j reads byte-level BPE and"
                  + " WordPiece tokenizer.json files");
        }
      }
      JsonElement dropout = model.get("dropout");
      if (dropout != null && !dropout.isJsonNull() && dropout.getAsDouble() > 0) {
        throw error("BPE dropout is not supported (dropout=" + dropout + ")");
      }
      String csp = str(model, "continuing_subword_prefix");
      String ews = str(model, "end_of_word_suffix");
      if ((csp != null && !csp.isEmpty()) || (ews != null && !ews.isEmpty())) {
        throw error(
            "byte-level BPE with continuing_subword_prefix or end_of_word_suffix is not supported");
      }
      Integer unkId = null;
      String unk = str(model, "unk_token");
      if (unk != null) {
        unkId = vocab.get(unk);
      }
      int[] byteToId = new int[256];
      for (int b = 0; b < 256; b++) {
        Integer id = vocab.get(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
        if (id == null) {
          if (unkId == null) {
            throw error(
                String.format(
                    "byte-level BPE vocabulary has no token for byte 0x%02X (symbol '%c') and no unk_token",
                    b, ByteLevel.BYTE_TO_CHAR[b]));
          }
          id = unkId;
        }
        byteToId[b] = id;
      }
      if (json.mergeError != null) {
        throw error(json.mergeError);
      }
      if (json.merges == null && model.has("merges") && !model.get("merges").isJsonNull()) {
        throw error("malformed tokenizer.json: model.merges must be an array");
      }
      List<String[]> merges = json.merges == null ? List.of() : json.merges;
      MergeMap mergeMap = new MergeMap(merges.size());
      int rank = 0;
      for (String[] m : merges) {
        String a = m[0];
        String b = m[1];
        Integer ia = vocab.get(a);
        Integer ib = vocab.get(b);
        Integer im = vocab.get(a + b);
        if (ia == null || ib == null || im == null) {
          throw error(
              "merge "
                  + rank
                  + " (\""
                  + a
                  + "\", \""
                  + b
                  + "\") uses a token that is not in the vocabulary");
        }
        mergeMap.put(ia, ib, rank, im);
        rank++;
      }
      int size = maxId(vocab, added) + 1;
      byte[][] idBytes = new byte[size][];
      boolean[] special = new boolean[size];
      Map<String, Integer> tokenIds = new HashMap<>();
      for (Map.Entry<String, Integer> e : vocab.entrySet()) {
        idBytes[e.getValue()] = ByteLevel.bytesOf(e.getKey());
      }
      for (AddedVocabulary.AddedToken t : added) {
        idBytes[t.id()] = t.content().getBytes(StandardCharsets.UTF_8);
        special[t.id()] = t.special();
        tokenIds.put(t.content(), t.id());
      }
      BpeModel bpe =
          new BpeModel(byteToId, mergeMap, vocab, bool(model, "ignore_merges", false), true);
      return new BpeTokenizer(
          normalizer(root.get("normalizer")),
          new AddedVocabulary(added),
          stages.toArray(new PreTokenizer[0]),
          bpe,
          idBytes,
          special,
          vocab,
          tokenIds,
          template(root.get("post_processor"), tokenIds, vocab));
    }

    // ---------- WordPiece

    private Tokenizer loadWordPiece(JsonObject model) {
      Map<String, Integer> vocab = vocab();
      List<AddedVocabulary.AddedToken> added = addedTokens();
      List<PreTokenizer> stages = new ArrayList<>();
      boolean[] byteLevel = {false};
      preTokenizer(root.get("pre_tokenizer"), stages, byteLevel);
      if (byteLevel[0]) {
        throw error("WordPiece with a ByteLevel pre-tokenizer is not supported");
      }
      String unk = str(model, "unk_token");
      if (unk == null || !vocab.containsKey(unk)) {
        throw error("WordPiece unk_token '" + unk + "' is not in the vocabulary");
      }
      String prefix = str(model, "continuing_subword_prefix");
      if (prefix == null) {
        prefix = "##";
      }
      int maxChars =
          model.has("max_input_chars_per_word")
              ? model.get("max_input_chars_per_word").getAsInt()
              : 100;
      boolean cleanup = true;
      JsonElement dec = root.get("decoder");
      if (dec != null && dec.isJsonObject()) {
        JsonObject d = dec.getAsJsonObject();
        if ("WordPiece".equals(str(d, "type"))) {
          cleanup = bool(d, "cleanup", true);
          String p = str(d, "prefix");
          if (p != null && !p.equals(prefix)) {
            throw error(
                "WordPiece decoder prefix '" + p + "' differs from the model's '" + prefix + "'");
          }
        } else {
          throw error("unsupported decoder type '" + str(d, "type") + "' for WordPiece");
        }
      }
      int size = maxId(vocab, added) + 1;
      String[] idTokens = new String[size];
      boolean[] special = new boolean[size];
      Map<String, Integer> tokenIds = new HashMap<>();
      for (Map.Entry<String, Integer> e : vocab.entrySet()) {
        idTokens[e.getValue()] = e.getKey();
      }
      for (AddedVocabulary.AddedToken t : added) {
        idTokens[t.id()] = t.content();
        special[t.id()] = t.special();
        tokenIds.put(t.content(), t.id());
      }
      return new WordPieceTokenizer(
          normalizer(root.get("normalizer")),
          new AddedVocabulary(added),
          stages.toArray(new PreTokenizer[0]),
          vocab,
          vocab,
          tokenIds,
          idTokens,
          special,
          prefix,
          vocab.get(unk),
          maxChars,
          cleanup,
          template(root.get("post_processor"), tokenIds, vocab));
    }

    // ---------- JSON helpers

    private static boolean isNull(JsonElement e) {
      return e == null || e.isJsonNull();
    }

    private static String str(JsonObject o, String key) {
      JsonElement e = o.get(key);
      return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static boolean bool(JsonObject o, String key, boolean def) {
      JsonElement e = o.get(key);
      return e == null || e.isJsonNull() ? def : e.getAsBoolean();
    }
  }
}
