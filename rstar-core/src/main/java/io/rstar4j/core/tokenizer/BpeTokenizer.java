package io.rstar4j.core.tokenizer;

import java.util.Map;
import java.util.OptionalInt;

/** Byte-level BPE from a {@code tokenizer.json} (Qwen, GPT-2, Llama 3 style). Thread-safe. */
final class BpeTokenizer implements Tokenizer {
  private final TextNormalizer normalizer;
  private final AddedVocabulary added;
  private final PreTokenizer[] stages;
  private final BpeModel model;

  /** Per id the bytes it decodes to; null for ids that are not defined. */
  private final byte[][] idBytes;

  private final boolean[] special;

  /** Added tokens (they win over the vocabulary). */
  private final Map<String, Integer> tokenIds;

  private final Map<String, Integer> vocabIds;
  private final SpecialTokensTemplate template;

  BpeTokenizer(
      TextNormalizer normalizer,
      AddedVocabulary added,
      PreTokenizer[] stages,
      BpeModel model,
      byte[][] idBytes,
      boolean[] special,
      Map<String, Integer> vocabIds,
      Map<String, Integer> tokenIds,
      SpecialTokensTemplate template) {
    this.normalizer = normalizer;
    this.added = added;
    this.stages = stages;
    this.model = model;
    this.idBytes = idBytes;
    this.special = special;
    this.tokenIds = tokenIds;
    this.vocabIds = vocabIds;
    this.template = template;
  }

  @Override
  public int[] encode(String text) {
    return EncodingPipeline.encode(
        text, added, normalizer, stages, model::encodeWord, text.length() / 3 + 4);
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    int[] ids = encode(text);
    return addSpecialTokens ? template.apply(ids) : ids;
  }

  @Override
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    int total = 0;
    for (int id : ids) {
      total += bytesOf(id).length;
    }
    byte[] buf = new byte[total];
    int n = 0;
    for (int id : ids) {
      if (skipSpecialTokens && special[id]) {
        continue;
      }
      byte[] b = idBytes[id];
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }
    return Utf8.decode(buf, 0, n);
  }

  private byte[] bytesOf(int id) {
    byte[] b = id >= 0 && id < idBytes.length ? idBytes[id] : null;
    if (b == null) {
      throw new IllegalArgumentException(
          "token id " + id + " is not in the vocabulary (size " + idBytes.length + ")");
    }
    return b;
  }

  @Override
  public int vocabSize() {
    return idBytes.length;
  }

  @Override
  public OptionalInt tokenId(String token) {
    Integer id = tokenIds.get(token);
    if (id == null) {
      id = vocabIds.get(token);
    }
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public StreamingDecoder streamingDecoder() {
    return new StreamingDecoder() {
      private byte[] buf = new byte[32];
      private int len;

      @Override
      public String push(int id) {
        byte[] b = bytesOf(id);
        if (len + b.length > buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
        }
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        int cut = Utf8.incompleteTailStart(buf, len);
        if (cut == 0) {
          return "";
        }
        String out = Utf8.decode(buf, 0, cut);
        System.arraycopy(buf, cut, buf, 0, len - cut);
        len -= cut;
        return out;
      }

      @Override
      public String flush() {
        String out = Utf8.decode(buf, 0, len);
        len = 0;
        return out;
      }
    };
  }

  @Override
  public String toString() {
    return "BpeTokenizer[vocabSize="
        + idBytes.length
        + ", addedTokens="
        + added.tokens().size()
        + "]";
  }
}
