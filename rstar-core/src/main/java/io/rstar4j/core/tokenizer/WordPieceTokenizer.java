package io.rstar4j.core.tokenizer;

import java.util.Map;
import java.util.OptionalInt;

/**
 * WordPiece (BERT-style encoders such as all-MiniLM-L6-v2): greedy longest-match-first sub-words,
 * continuation pieces prefixed {@code ##}, the unknown token for words that do not split.
 * Thread-safe.
 */
final class WordPieceTokenizer implements Tokenizer {
  private final TextNormalizer normalizer;
  private final AddedVocabulary added;
  private final PreTokenizer[] stages;
  private final Map<String, Integer> vocab;

  /** Added tokens (they win over the vocabulary). */
  private final Map<String, Integer> tokenIds;

  private final Map<String, Integer> vocabIds;
  private final String[] idTokens;
  private final boolean[] special;
  private final String prefix;
  private final int unkId;
  private final int maxInputCharsPerWord;
  private final boolean cleanup;
  private final SpecialTokensTemplate template;

  WordPieceTokenizer(
      TextNormalizer normalizer,
      AddedVocabulary added,
      PreTokenizer[] stages,
      Map<String, Integer> vocab,
      Map<String, Integer> vocabIds,
      Map<String, Integer> tokenIds,
      String[] idTokens,
      boolean[] special,
      String prefix,
      int unkId,
      int maxInputCharsPerWord,
      boolean cleanup,
      SpecialTokensTemplate template) {
    this.normalizer = normalizer;
    this.added = added;
    this.stages = stages;
    this.vocab = vocab;
    this.tokenIds = tokenIds;
    this.vocabIds = vocabIds;
    this.idTokens = idTokens;
    this.special = special;
    this.prefix = prefix;
    this.unkId = unkId;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.cleanup = cleanup;
    this.template = template;
  }

  @Override
  public int[] encode(String text) {
    return EncodingPipeline.encode(
        text, added, normalizer, stages, this::word, text.length() / 4 + 4);
  }

  private void word(String s, int start, int end, IntList out) {
    if (start == end) {
      return;
    }
    if (s.codePointCount(start, end) > maxInputCharsPerWord) {
      out.add(unkId);
      return;
    }
    int mark = out.size();
    int pos = start;
    while (pos < end) {
      int e = end;
      Integer hit = null;
      while (pos < e) {
        String sub = s.substring(pos, e);
        hit = vocab.get(pos > start ? prefix + sub : sub);
        if (hit != null) {
          break;
        }
        e -= Character.charCount(s.codePointBefore(e));
      }
      if (hit == null) {
        truncate(out, mark);
        out.add(unkId);
        return;
      }
      out.add(hit);
      pos = e;
    }
  }

  private static void truncate(IntList out, int size) {
    while (out.size() > size) {
      out.removeLast();
    }
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
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (int id : ids) {
      String t = tokenOf(id);
      if (skipSpecialTokens && special[id]) {
        continue;
      }
      sb.append(piece(t, first));
      first = false;
    }
    return sb.toString();
  }

  private String piece(String token, boolean first) {
    String t = token;
    if (!first) {
      t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
    }
    return cleanup ? cleanup(t) : t;
  }

  static String cleanup(String s) {
    return s.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" do not", " don't")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  private String tokenOf(int id) {
    String t = id >= 0 && id < idTokens.length ? idTokens[id] : null;
    if (t == null) {
      throw new IllegalArgumentException(
          "token id " + id + " is not in the vocabulary (size " + idTokens.length + ")");
    }
    return t;
  }

  @Override
  public int vocabSize() {
    return idTokens.length;
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
      private boolean first = true;

      @Override
      public String push(int id) {
        String p = piece(tokenOf(id), first);
        first = false;
        return p;
      }

      @Override
      public String flush() {
        return "";
      }
    };
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer[vocabSize=" + idTokens.length + "]";
  }
}
