package io.rstar4j.core.testing;

import ai.onnx.proto.OnnxMl;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.rstar4j.core.io.AtomicFiles;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates tiny Qwen2-architecture decoders (RMSNorm, rotary positions, grouped-query attention,
 * SwiGLU) with seeded random weights, as ONNX models whose inputs and outputs are named exactly as
 * a Hugging Face Optimum export with past key values: inputs {@code input_ids}, {@code
 * attention_mask}, {@code position_ids}, {@code past_key_values.{i}.key|value} ({@code [batch,
 * kv_heads, past, head_dim]}); outputs {@code logits}, {@code present.{i}.key|value}. A real export
 * therefore drops into {@link io.rstar4j.core.model.CausalLm} unchanged.
 *
 * <p>{@link #writeExport} also writes a byte-level BPE {@code tokenizer.json} (the 256 byte tokens,
 * a few merges and the special tokens {@code <|endoftext|>}, {@code <|im_start|>}, {@code
 * <|im_end|>}) and a {@code config.json}, i.e. a complete export directory.
 *
 * <p>Test support: ships in the rstar-core test jar ({@code <type>test-jar</type>}), which the
 * {@code rstar make-tiny-model} command and the benchmarks use; it needs {@code
 * org.tribuo:tribuo-util-onnx} on the class path.
 */
public final class TinyQwen2 {

  /** The special tokens of the generated tokenizer, in id order after the merges. */
  public static final List<String> SPECIAL_TOKENS =
      List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

  /** The Qwen2 pre-tokenizer split regex. */
  static final String SPLIT_REGEX =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  /** Merges of the generated tokenizer, in byte-level notation; each adds one token. */
  static final List<String> MERGES =
      List.of(
          "Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t", "Ġ w", "Ġ o",
          "e n", "Ġ c", "i t", "i s", "a n", "o r", "e s", "Ġ b", "e d", "Ġ f", "in g", "Ġ p",
          "o u", "Ġa n", "a l", "a r", "Ġt o", "Ġ m", "Ġo f", "Ġ in", "Ġ d", "Ġ h", "Ġan d", "Ċ Ċ",
          "Ġ =", "Ġ Ġ", "ĠĠ ĠĠ", "p r", "pr in", "prin t");

  /**
   * The shape of a tiny decoder.
   *
   * @param hidden model width
   * @param layers decoder layers
   * @param heads attention heads
   * @param kvHeads key/value heads (divides {@code heads})
   * @param intermediate SwiGLU width
   * @param maxPositions context length written to config.json
   * @param ropeTheta rotary base
   * @param rmsEps RMSNorm epsilon
   * @param seed weight seed
   */
  public record Config(
      int hidden,
      int layers,
      int heads,
      int kvHeads,
      int intermediate,
      int maxPositions,
      double ropeTheta,
      double rmsEps,
      long seed) {
    public Config {
      if (hidden < 2
          || layers < 1
          || heads < 1
          || kvHeads < 1
          || intermediate < 1
          || maxPositions < 2) {
        throw new IllegalArgumentException("dimensions must be positive");
      }
      if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
        throw new IllegalArgumentException(
            "hidden (" + hidden + ") must split into heads (" + heads + ") of even size");
      }
      if (heads % kvHeads != 0) {
        throw new IllegalArgumentException(
            "heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
      }
    }

    /** Two layers, width 64, 4 heads over 2 KV heads: fast enough for unit tests. */
    public static Config tiny() {
      return new Config(64, 2, 4, 2, 128, 2048, 10000.0, 1e-6, 42L);
    }

    /** Four layers, width 256, 8 heads over 2 KV heads: for benchmarks. */
    public static Config small() {
      return new Config(256, 4, 8, 2, 704, 4096, 10000.0, 1e-6, 42L);
    }

    /** The same shape with another weight seed. */
    public Config withSeed(long newSeed) {
      return new Config(
          hidden, layers, heads, kvHeads, intermediate, maxPositions, ropeTheta, rmsEps, newSeed);
    }

    /** Size of one attention head. */
    public int headDim() {
      return hidden / heads;
    }
  }

  private TinyQwen2() {}

  /** The vocabulary size of the generated tokenizer: bytes, merges and special tokens. */
  public static int vocabSize() {
    return 256 + MERGES.size() + SPECIAL_TOKENS.size();
  }

  /** The id of a special token of the generated tokenizer. */
  public static int specialTokenId(String token) {
    int i = SPECIAL_TOKENS.indexOf(token);
    if (i < 0) {
      throw new IllegalArgumentException("not a special token: " + token);
    }
    return 256 + MERGES.size() + i;
  }

  /** The ONNX model of a tiny decoder. */
  public static OnnxMl.ModelProto model(Config c) {
    int vocab = vocabSize();
    int d = c.headDim();
    Random rnd = new Random(c.seed());
    OnnxGraphBuilder g = OnnxGraphBuilder.create("tiny_qwen2");
    String ids = g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
    String mask =
        g.input("attention_mask", ElementType.INT64, "batch_size", "total_sequence_length");
    String pos = g.input("position_ids", ElementType.INT64, "batch_size", "sequence_length");
    List<String[]> past = new ArrayList<>();
    for (int i = 0; i < c.layers(); i++) {
      String k =
          g.input(
              "past_key_values." + i + ".key",
              ElementType.FLOAT,
              "batch_size",
              c.kvHeads(),
              "past_sequence_length",
              d);
      String v =
          g.input(
              "past_key_values." + i + ".value",
              ElementType.FLOAT,
              "batch_size",
              c.kvHeads(),
              "past_sequence_length",
              d);
      past.add(new String[] {k, v});
    }

    // Embedding.
    String embed =
        g.initializer(
            "model.embed_tokens.weight", normal(rnd, vocab * c.hidden(), 1.0), vocab, c.hidden());
    String x = g.gather(embed, ids, 0);

    // Rotary tables [b, 1, s, d].
    float[] invFreq = new float[d / 2];
    for (int i = 0; i < d / 2; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / d));
    }
    String inv = g.initializer("rotary.inv_freq", invFreq, d / 2);
    String freqs = g.mul(g.unsqueeze(g.cast(pos, ElementType.FLOAT), -1), inv);
    String emb = g.concat(-1, freqs, freqs);
    String cos = g.unsqueeze(g.cos(emb), 1);
    String sin = g.unsqueeze(g.sin(emb), 1);

    // Attention bias [b, 1, s, T]: padding (from the mask) plus causality (key j visible to query
    // i when j <= past + i).
    String one = g.constantScalar(1);
    String seqLen = g.gather(g.shape(ids), g.constantScalar(1), 0);
    String total = g.gather(g.shape(mask), g.constantScalar(1), 0);
    String pastLen = g.sub(total, seqLen);
    String qIdx = g.range(pastLen, total, one);
    String kIdx = g.range(g.constantScalar(0), total, one);
    String visible = g.lessOrEqual(g.unsqueeze(kIdx, 0), g.unsqueeze(qIdx, 1));
    String causal = g.where(visible, g.constant(0f), g.constant(-1e9f));
    String keyBias =
        g.mul(g.sub(g.cast(mask, ElementType.FLOAT), g.constant(1f)), g.constant(1e9f));
    String bias = g.add(g.unsqueeze(keyBias, 1, 2), causal);
    String scale = g.constant((float) (1.0 / Math.sqrt(d)));

    double wStd = 1.0 / Math.sqrt(c.hidden());
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      String h =
          g.rmsNorm(
              x,
              g.initializer(p + "input_layernorm.weight", ones(c.hidden()), c.hidden()),
              (float) c.rmsEps());
      String q = linear(g, rnd, h, p + "self_attn.q_proj", c.hidden(), c.heads() * d, wStd, true);
      String k = linear(g, rnd, h, p + "self_attn.k_proj", c.hidden(), c.kvHeads() * d, wStd, true);
      String v = linear(g, rnd, h, p + "self_attn.v_proj", c.hidden(), c.kvHeads() * d, wStd, true);
      q = g.transpose(g.reshape(q, 0, 0, c.heads(), d), 0, 2, 1, 3);
      k = g.transpose(g.reshape(k, 0, 0, c.kvHeads(), d), 0, 2, 1, 3);
      v = g.transpose(g.reshape(v, 0, 0, c.kvHeads(), d), 0, 2, 1, 3);
      q = rope(g, q, cos, sin, d);
      k = rope(g, k, cos, sin, d);
      String presentK =
          g.node("Concat")
              .inputs(past.get(l)[0], k)
              .attr("axis", 2L)
              .outputs("present." + l + ".key")
              .add();
      String presentV =
          g.node("Concat")
              .inputs(past.get(l)[1], v)
              .attr("axis", 2L)
              .outputs("present." + l + ".value")
              .add();
      // Grouped-query attention: fold the query heads of one KV group into the sequence axis.
      String qg = g.reshape(g.mul(q, scale), 0, c.kvHeads(), -1, d);
      String scores = g.matMul(qg, g.transpose(presentK, 0, 1, 3, 2));
      scores = g.add(g.reshape(scores, 0, c.heads(), -1, 0), bias);
      String probs = g.reshape(g.softmax(scores, -1), 0, c.kvHeads(), -1, 0);
      String ctx = g.reshape(g.matMul(probs, presentV), 0, c.heads(), -1, d);
      ctx = g.reshape(g.transpose(ctx, 0, 2, 1, 3), 0, 0, c.heads() * d);
      String o =
          linear(
              g,
              rnd,
              ctx,
              p + "self_attn.o_proj",
              c.heads() * d,
              c.hidden(),
              1.0 / Math.sqrt(c.heads() * d),
              false);
      x = g.add(x, o);
      String h2 =
          g.rmsNorm(
              x,
              g.initializer(p + "post_attention_layernorm.weight", ones(c.hidden()), c.hidden()),
              (float) c.rmsEps());
      String gate =
          linear(g, rnd, h2, p + "mlp.gate_proj", c.hidden(), c.intermediate(), wStd, false);
      String up = linear(g, rnd, h2, p + "mlp.up_proj", c.hidden(), c.intermediate(), wStd, false);
      String act = g.mul(g.mul(gate, g.sigmoid(gate)), up);
      String down =
          linear(
              g,
              rnd,
              act,
              p + "mlp.down_proj",
              c.intermediate(),
              c.hidden(),
              1.0 / Math.sqrt(c.intermediate()),
              false);
      x = g.add(x, down);
      g.output(presentK, ElementType.FLOAT, "batch_size", c.kvHeads(), "total_sequence_length", d);
      g.output(presentV, ElementType.FLOAT, "batch_size", c.kvHeads(), "total_sequence_length", d);
    }
    String hf =
        g.rmsNorm(
            x,
            g.initializer("model.norm.weight", ones(c.hidden()), c.hidden()),
            (float) c.rmsEps());
    // A wide logit spread keeps greedy decoding away from near-ties; the special tokens get small
    // weights so that random text rarely ends early.
    float[] head = normal(rnd, c.hidden() * vocab, 4.0 / Math.sqrt(c.hidden()));
    for (int h = 0; h < c.hidden(); h++) {
      for (int t = 256 + MERGES.size(); t < vocab; t++) {
        head[h * vocab + t] *= 0.1f;
      }
    }
    String lmHead = g.initializer("lm_head.weight", head, c.hidden(), vocab);
    g.node("MatMul").inputs(hf, lmHead).outputs("logits").add();
    g.output("logits", ElementType.FLOAT, "batch_size", "sequence_length", vocab);
    return g.build();
  }

  /**
   * Writes a complete export directory: {@code model.onnx}, {@code tokenizer.json}, {@code
   * config.json} and {@code generation_config.json}.
   *
   * @throws IOException on write failure
   */
  public static void writeExport(Config c, Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeBytes(dir.resolve("model.onnx"), model(c).toByteArray());
    AtomicFiles.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
    AtomicFiles.writeString(dir.resolve("config.json"), configJson(c));
    JsonObject gen = new JsonObject();
    JsonArray eos = new JsonArray();
    eos.add(specialTokenId("<|im_end|>"));
    eos.add(specialTokenId("<|endoftext|>"));
    gen.add("eos_token_id", eos);
    gen.addProperty("bos_token_id", specialTokenId("<|endoftext|>"));
    AtomicFiles.writeString(dir.resolve("generation_config.json"), pretty(gen));
  }

  /** The Hugging Face {@code config.json} of a tiny decoder. */
  public static String configJson(Config c) {
    JsonObject o = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("Qwen2ForCausalLM");
    o.add("architectures", arch);
    o.addProperty("model_type", "qwen2");
    o.addProperty("vocab_size", vocabSize());
    o.addProperty("hidden_size", c.hidden());
    o.addProperty("intermediate_size", c.intermediate());
    o.addProperty("num_hidden_layers", c.layers());
    o.addProperty("num_attention_heads", c.heads());
    o.addProperty("num_key_value_heads", c.kvHeads());
    o.addProperty("max_position_embeddings", c.maxPositions());
    o.addProperty("rms_norm_eps", c.rmsEps());
    o.addProperty("rope_theta", c.ropeTheta());
    o.addProperty("bos_token_id", specialTokenId("<|endoftext|>"));
    o.addProperty("eos_token_id", specialTokenId("<|endoftext|>"));
    o.addProperty("tie_word_embeddings", false);
    o.addProperty("torch_dtype", "float32");
    o.addProperty("rstar4j_seed", c.seed());
    return pretty(o);
  }

  /** The Hugging Face {@code tokenizer.json} (byte-level BPE) of the tiny decoders. */
  public static String tokenizerJson() {
    Map<String, Integer> vocab = vocab();
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", JsonNull.INSTANCE);
    root.add("padding", JsonNull.INSTANCE);
    JsonArray added = new JsonArray();
    for (String s : SPECIAL_TOKENS) {
      JsonObject t = new JsonObject();
      t.addProperty("id", specialTokenId(s));
      t.addProperty("content", s);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    JsonObject norm = new JsonObject();
    norm.addProperty("type", "NFC");
    root.add("normalizer", norm);
    JsonObject split = new JsonObject();
    split.addProperty("type", "Split");
    JsonObject pattern = new JsonObject();
    pattern.addProperty("Regex", SPLIT_REGEX);
    split.add("pattern", pattern);
    split.addProperty("behavior", "Isolated");
    split.addProperty("invert", false);
    JsonArray pres = new JsonArray();
    pres.add(split);
    pres.add(byteLevel());
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "Sequence");
    pre.add("pretokenizers", pres);
    root.add("pre_tokenizer", pre);
    root.add("post_processor", byteLevel());
    root.add("decoder", byteLevel());
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("dropout", JsonNull.INSTANCE);
    model.add("unk_token", JsonNull.INSTANCE);
    model.addProperty("continuing_subword_prefix", "");
    model.addProperty("end_of_word_suffix", "");
    model.addProperty("fuse_unk", false);
    model.addProperty("byte_fallback", false);
    model.addProperty("ignore_merges", false);
    JsonObject v = new JsonObject();
    vocab.forEach(v::addProperty);
    model.add("vocab", v);
    JsonArray merges = new JsonArray();
    MERGES.forEach(merges::add);
    model.add("merges", merges);
    root.add("model", model);
    return pretty(root);
  }

  /** The BPE vocabulary (without the added special tokens): byte b has id b, merges follow. */
  public static Map<String, Integer> vocab() {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    char[] byteChars = byteToUnicode();
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(byteChars[b]), b);
    }
    for (String m : MERGES) {
      String[] parts = m.split(" ");
      String merged = parts[0] + parts[1];
      if (!vocab.containsKey(parts[0])
          || !vocab.containsKey(parts[1])
          || vocab.containsKey(merged)) {
        throw new IllegalStateException("bad merge " + m);
      }
      vocab.put(merged, vocab.size());
    }
    return vocab;
  }

  /** GPT-2's byte-to-unicode table used by byte-level BPE. */
  public static char[] byteToUnicode() {
    char[] table = new char[256];
    boolean[] direct = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      direct[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      direct[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      direct[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (direct[b]) {
        table[b] = (char) b;
      } else {
        table[b] = (char) (256 + n++);
      }
    }
    return table;
  }

  private static JsonObject byteLevel() {
    JsonObject o = new JsonObject();
    o.addProperty("type", "ByteLevel");
    o.addProperty("add_prefix_space", false);
    o.addProperty("trim_offsets", false);
    o.addProperty("use_regex", false);
    return o;
  }

  private static String pretty(JsonObject o) {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
  }

  private static String linear(
      OnnxGraphBuilder g,
      Random rnd,
      String x,
      String name,
      int in,
      int out,
      double std,
      boolean bias) {
    // Stored as [in, out] so that the graph needs no transpose (an export stores the same product).
    String w = g.initializer(name + ".weight", normal(rnd, in * out, std), in, out);
    String y = g.matMul(x, w);
    if (bias) {
      y = g.add(y, g.initializer(name + ".bias", normal(rnd, out, 0.1), out));
    }
    return y;
  }

  private static String rope(OnnxGraphBuilder g, String x, String cos, String sin, int d) {
    String x1 = g.slice(x, new long[] {0}, new long[] {d / 2}, new long[] {3});
    String x2 = g.slice(x, new long[] {d / 2}, new long[] {d}, new long[] {3});
    String rotated = g.concat(-1, g.neg(x2), x1);
    return g.add(g.mul(x, cos), g.mul(rotated, sin));
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  private static float[] normal(Random rnd, int n, double std) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextGaussian() * std);
    }
    return a;
  }
}
