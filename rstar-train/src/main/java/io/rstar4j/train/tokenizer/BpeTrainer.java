package io.rstar4j.train.tokenizer;

import com.google.gson.stream.JsonWriter;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a byte-level BPE tokenizer from a corpus and writes it as a Hugging Face {@code
 * tokenizer.json}, loadable by {@code Tokenizers.fromFile} and by Hugging Face tokenizers.
 *
 * <p>The tokenizer has Qwen2's pre-tokenizer (its split regex, which puts every digit in a piece of
 * its own, so numbers are tokenized one digit per token, as in Llama and Qwen, then GPT-2's
 * byte-to-character map), no normalizer (so {@code decode(encode(text))} gives back any text
 * exactly), 256 byte tokens, the learned merges and the special tokens as added tokens: by default
 * the step tags of the rStar format ({@code <code>}, {@code <end_of_step>}, {@code <end_of_code>},
 * {@code <output>}, {@code <end_of_output>}, {@code <answer>}, {@code <end_of_answer>}), the prompt
 * markers {@code <|user|>} and {@code <|assistant|>}, and {@code <|endoftext|>} as the
 * end-of-sequence and padding token. Special tokens take the last ids; the corpus is split at them
 * before counting, so no merge crosses one.
 *
 * <p>Training is the classic greedy algorithm on the counts of distinct pre-tokenized pieces: the
 * most frequent adjacent pair is merged (ties to the pair with the smaller ids), counts are updated
 * incrementally, and training stops at the vocabulary size or when no pair occurs at least {@code
 * minFrequency} times. A merge whose result equals an existing token reuses its id, as Hugging
 * Face's trainer does.
 */
public final class BpeTrainer {

  /** Qwen2's pre-tokenizer split pattern (single digits, words with one leading mark, ...). */
  public static final String QWEN2_SPLIT =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  /** The step tags of the rStar format. */
  public static final List<String> STEP_TAGS =
      List.of(
          "<code>",
          "<end_of_step>",
          "<end_of_code>",
          "<output>",
          "<end_of_output>",
          "<answer>",
          "<end_of_answer>");

  /** The prompt markers of the rStar prompt. */
  public static final List<String> PROMPT_MARKERS = List.of("<|user|>", "<|assistant|>");

  /** The default end-of-sequence and padding token. */
  public static final String DEFAULT_EOS = "<|endoftext|>";

  private static final Pattern SPLIT =
      Pattern.compile(QWEN2_SPLIT, Pattern.UNICODE_CHARACTER_CLASS);

  private final int vocabSize;
  private final int minFrequency;
  private final List<String> specials;
  private final String eos;

  private BpeTrainer(Builder b) {
    this.vocabSize = b.vocabSize;
    this.minFrequency = b.minFrequency;
    LinkedHashSet<String> s = new LinkedHashSet<>(b.specials);
    s.add(b.eos);
    this.specials = List.copyOf(s);
    this.eos = b.eos;
    if (vocabSize < 256 + specials.size()) {
      throw new IllegalArgumentException(
          "vocab size must be at least 256 bytes + "
              + specials.size()
              + " special tokens = "
              + (256 + specials.size())
              + ", was "
              + vocabSize);
    }
  }

  /** A builder: vocabulary 1024, minimum pair frequency 2, the rStar special tokens. */
  public static Builder builder() {
    return new Builder();
  }

  /** The target vocabulary size, special tokens included. */
  public int vocabSize() {
    return vocabSize;
  }

  /** The special tokens, in id order, the end-of-sequence token last. */
  public List<String> specialTokens() {
    return specials;
  }

  /**
   * Learns the merges from the texts.
   *
   * @throws NullPointerException if the corpus or a text is null
   */
  public TrainedTokenizer train(Iterable<String> corpus) {
    Objects.requireNonNull(corpus, "corpus");
    Map<String, int[]> pieces = new HashMap<>();
    List<String> bySpecialLength = new ArrayList<>(specials);
    bySpecialLength.sort(Comparator.comparingInt(String::length).reversed());
    for (String text : corpus) {
      Objects.requireNonNull(text, "corpus text");
      countPieces(text, bySpecialLength, pieces);
    }
    return learn(pieces);
  }

  private static void countPieces(String text, List<String> specials, Map<String, int[]> out) {
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      String hit = null;
      for (String s : specials) {
        if (text.startsWith(s, i)) {
          hit = s;
          break;
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      split(text, start, i, out);
      i += hit.length();
      start = i;
    }
    split(text, start, text.length(), out);
  }

  private static void split(String text, int start, int end, Map<String, int[]> out) {
    if (start >= end) {
      return;
    }
    Matcher m = SPLIT.matcher(text);
    m.region(start, end);
    int prev = start;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue;
      }
      if (m.start() > prev) {
        out.computeIfAbsent(text.substring(prev, m.start()), k -> new int[1])[0]++;
      }
      out.computeIfAbsent(text.substring(m.start(), m.end()), k -> new int[1])[0]++;
      prev = m.end();
    }
    if (prev < end) {
      out.computeIfAbsent(text.substring(prev, end), k -> new int[1])[0]++;
    }
  }

  private TrainedTokenizer learn(Map<String, int[]> pieces) {
    List<String> tokens = new ArrayList<>(vocabSize);
    Map<String, Integer> ids = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      String t = String.valueOf(ByteSymbols.BYTE_TO_CHAR[b]);
      ids.put(t, tokens.size());
      tokens.add(t);
    }
    int n = pieces.size();
    int[][] sym = new int[n][];
    long[] freq = new long[n];
    int w = 0;
    List<String> keys = new ArrayList<>(pieces.keySet());
    keys.sort(null);
    for (String k : keys) {
      byte[] bytes = k.getBytes(StandardCharsets.UTF_8);
      int[] s = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        s[i] = bytes[i] & 0xFF;
      }
      sym[w] = s;
      freq[w] = pieces.get(k)[0];
      w++;
    }
    Map<Long, long[]> pairCount = new HashMap<>();
    Map<Long, IntList> pairWords = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int[] s = sym[i];
      for (int j = 0; j + 1 < s.length; j++) {
        long key = pair(s[j], s[j + 1]);
        pairCount.computeIfAbsent(key, k -> new long[1])[0] += freq[i];
        pairWords.computeIfAbsent(key, k -> new IntList()).add(i);
      }
    }
    PriorityQueue<long[]> queue =
        new PriorityQueue<>(
            (x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
    for (Map.Entry<Long, long[]> e : pairCount.entrySet()) {
      queue.add(new long[] {e.getValue()[0], e.getKey()});
    }
    List<String[]> merges = new ArrayList<>();
    int target = vocabSize - specials.size();
    int[] stamp = new int[n];
    Arrays.fill(stamp, -1);
    LinkedHashSet<Long> changed = new LinkedHashSet<>();
    while (tokens.size() < target && !queue.isEmpty()) {
      long[] top = queue.poll();
      long[] current = pairCount.get(top[1]);
      if (current == null || current[0] != top[0]) {
        continue;
      }
      if (top[0] < minFrequency) {
        break;
      }
      long key = top[1];
      int a = (int) (key >>> 32);
      int b = (int) key;
      String merged = tokens.get(a) + tokens.get(b);
      Integer existing = ids.get(merged);
      int c;
      if (existing != null) {
        c = existing;
      } else {
        c = tokens.size();
        tokens.add(merged);
        ids.put(merged, c);
      }
      merges.add(new String[] {tokens.get(a), tokens.get(b)});
      int mergeIndex = merges.size();
      changed.clear();
      IntList words = pairWords.remove(key);
      for (int k = 0; words != null && k < words.size; k++) {
        int wi = words.data[k];
        if (stamp[wi] == mergeIndex) {
          continue;
        }
        stamp[wi] = mergeIndex;
        int[] s = sym[wi];
        if (!contains(s, a, b)) {
          continue;
        }
        long f = freq[wi];
        for (int j = 0; j + 1 < s.length; j++) {
          long pk = pair(s[j], s[j + 1]);
          pairCount.get(pk)[0] -= f;
          changed.add(pk);
        }
        int[] t = new int[s.length];
        int len = 0;
        for (int j = 0; j < s.length; j++) {
          if (j + 1 < s.length && s[j] == a && s[j + 1] == b) {
            t[len++] = c;
            j++;
          } else {
            t[len++] = s[j];
          }
        }
        s = Arrays.copyOf(t, len);
        sym[wi] = s;
        for (int j = 0; j + 1 < s.length; j++) {
          long pk = pair(s[j], s[j + 1]);
          pairCount.computeIfAbsent(pk, x -> new long[1])[0] += f;
          pairWords.computeIfAbsent(pk, x -> new IntList()).add(wi);
          changed.add(pk);
        }
      }
      for (long pk : changed) {
        long[] cnt = pairCount.get(pk);
        if (cnt[0] <= 0) {
          pairCount.remove(pk);
        } else {
          queue.add(new long[] {cnt[0], pk});
        }
      }
      pairCount.remove(key);
    }
    return build(tokens, merges);
  }

  private static boolean contains(int[] s, int a, int b) {
    for (int j = 0; j + 1 < s.length; j++) {
      if (s[j] == a && s[j + 1] == b) {
        return true;
      }
    }
    return false;
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private TrainedTokenizer build(List<String> tokens, List<String[]> merges) {
    Map<String, Integer> specialIds = new LinkedHashMap<>();
    int next = tokens.size();
    for (String s : specials) {
      specialIds.put(s, next++);
    }
    StringWriter out = new StringWriter();
    try (JsonWriter j = new JsonWriter(out)) {
      j.setHtmlSafe(false);
      j.setIndent("  ");
      j.beginObject();
      j.name("version").value("1.0");
      j.name("truncation").nullValue();
      j.name("padding").nullValue();
      j.name("added_tokens").beginArray();
      for (Map.Entry<String, Integer> e : specialIds.entrySet()) {
        j.beginObject();
        j.name("id").value(e.getValue());
        j.name("content").value(e.getKey());
        j.name("single_word").value(false);
        j.name("lstrip").value(false);
        j.name("rstrip").value(false);
        j.name("normalized").value(false);
        j.name("special").value(true);
        j.endObject();
      }
      j.endArray();
      j.name("normalizer").nullValue();
      j.name("pre_tokenizer").beginObject();
      j.name("type").value("Sequence");
      j.name("pretokenizers").beginArray();
      j.beginObject();
      j.name("type").value("Split");
      j.name("pattern").beginObject().name("Regex").value(QWEN2_SPLIT).endObject();
      j.name("behavior").value("Isolated");
      j.name("invert").value(false);
      j.endObject();
      byteLevel(j);
      j.endArray();
      j.endObject();
      j.name("post_processor");
      byteLevel(j);
      j.name("decoder");
      byteLevel(j);
      j.name("model").beginObject();
      j.name("type").value("BPE");
      j.name("dropout").nullValue();
      j.name("unk_token").nullValue();
      j.name("continuing_subword_prefix").value("");
      j.name("end_of_word_suffix").value("");
      j.name("fuse_unk").value(false);
      j.name("byte_fallback").value(false);
      j.name("ignore_merges").value(false);
      j.name("vocab").beginObject();
      for (int i = 0; i < tokens.size(); i++) {
        j.name(tokens.get(i)).value(i);
      }
      j.endObject();
      j.name("merges").beginArray();
      for (String[] m : merges) {
        j.beginArray().value(m[0]).value(m[1]).endArray();
      }
      j.endArray();
      j.endObject();
      j.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TrainedTokenizer(out.toString() + "\n", next, merges.size(), specialIds, eos);
  }

  private static void byteLevel(JsonWriter j) throws IOException {
    j.beginObject();
    j.name("type").value("ByteLevel");
    j.name("add_prefix_space").value(false);
    j.name("trim_offsets").value(false);
    j.name("use_regex").value(false);
    j.endObject();
  }

  /** A growable int array. */
  private static final class IntList {
    int[] data = new int[4];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }
  }

  /** Builds a {@link BpeTrainer}; each option may be set once. */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int vocabSize = 1024;
    private int minFrequency = 2;
    private List<String> specials = defaultSpecials();
    private String eos = DEFAULT_EOS;

    private Builder() {}

    private static List<String> defaultSpecials() {
      List<String> s = new ArrayList<>(STEP_TAGS);
      s.addAll(PROMPT_MARKERS);
      return s;
    }

    /**
     * The vocabulary size, bytes, merges and special tokens together.
     *
     * @throws IllegalArgumentException if below 257 (checked against the special tokens at {@link
     *     #build()})
     * @throws IllegalStateException if set before
     */
    public Builder vocabSize(int size) {
      set.mark("vocab size");
      this.vocabSize = Checks.atLeast("vocab size", size, 257);
      return this;
    }

    /**
     * The least count of a pair worth merging.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if set before
     */
    public Builder minFrequency(int n) {
      set.mark("min frequency");
      this.minFrequency = Checks.positive("min frequency", n);
      return this;
    }

    /**
     * The special tokens besides the end-of-sequence token, replacing the default (the step tags
     * and prompt markers).
     *
     * @throws NullPointerException if the list or a token is null
     * @throws IllegalArgumentException if a token is empty or repeated
     * @throws IllegalStateException if set before
     */
    public Builder specialTokens(List<String> tokens) {
      set.mark("special tokens");
      LinkedHashSet<String> s = new LinkedHashSet<>();
      for (String t : Objects.requireNonNull(tokens, "tokens")) {
        Objects.requireNonNull(t, "special token");
        if (t.isEmpty()) {
          throw new IllegalArgumentException("special tokens must not be empty");
        }
        if (!s.add(t)) {
          throw new IllegalArgumentException("special token " + t + " is repeated");
        }
      }
      this.specials = List.copyOf(s);
      return this;
    }

    /**
     * The end-of-sequence and padding token (default {@code <|endoftext|>}).
     *
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if set before
     */
    public Builder eosToken(String token) {
      set.mark("eos token");
      this.eos = Checks.nonBlank("eos token", token);
      return this;
    }

    /**
     * The trainer.
     *
     * @throws IllegalArgumentException if the vocabulary cannot hold the bytes and special tokens
     */
    public BpeTrainer build() {
      return new BpeTrainer(this);
    }
  }
}
