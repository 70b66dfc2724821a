package io.rstar4j.train.policy;

import ai.onnx.proto.OnnxMl;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A fresh, randomly initialised Qwen2-architecture decoder (RMSNorm, rotary positions,
 * grouped-query attention, SwiGLU, untied LM head) for a given tokenizer, written as an export
 * directory in the Optimum layout ({@code model.onnx} with the inputs {@code input_ids}, {@code
 * attention_mask}, {@code position_ids}, {@code past_key_values.{i}.key|value} and the outputs
 * {@code logits}, {@code present.{i}.key|value}; {@code config.json}, {@code
 * generation_config.json} and the tokenizer's {@code tokenizer.json}): the starting point for
 * training a policy from scratch with {@link OnnxPolicyTrainer}, e.g. for a domain with its own
 * tokenizer.
 *
 * <pre>{@code
 * Path base = DecoderInit.write(tokenizerJson, DecoderInit.Shape.medium(), dir);
 * OnnxPolicyTrainer.builder().learningRate(1e-3).epochs(20).build()
 *     .train(sftFile, base, trainedDir, SftListener.none());
 * }</pre>
 *
 * <p>Initialisation as Hugging Face's Qwen2 ({@code initializer_range} 0.02: weights N(0, 0.02),
 * biases 0, norm scales 1).
 */
public final class DecoderInit {

  /**
   * The shape of a decoder.
   *
   * @param hidden model width
   * @param layers decoder layers
   * @param heads attention heads
   * @param kvHeads key/value heads (divides heads)
   * @param intermediate SwiGLU width
   * @param maxPositions context length
   * @param ropeTheta rotary base
   * @param rmsEps RMSNorm epsilon
   * @param seed weight seed
   */
  public record Shape(
      int hidden,
      int layers,
      int heads,
      int kvHeads,
      int intermediate,
      int maxPositions,
      double ropeTheta,
      double rmsEps,
      long seed) {
    /**
     * @throws IllegalArgumentException if a size is not positive, the width does not split into
     *     heads of even size, or the heads are not a multiple of the KV heads
     */
    public Shape {
      Checks.positive("hidden", hidden);
      Checks.positive("layers", layers);
      Checks.positive("heads", heads);
      Checks.positive("kvHeads", kvHeads);
      Checks.positive("intermediate", intermediate);
      Checks.atLeast("maxPositions", maxPositions, 2);
      Checks.finitePositive("ropeTheta", ropeTheta);
      Checks.finitePositive("rmsEps", rmsEps);
      if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
        throw new IllegalArgumentException(
            "hidden (" + hidden + ") must split into heads (" + heads + ") of even size");
      }
      if (heads % kvHeads != 0) {
        throw new IllegalArgumentException(
            "heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
      }
    }

    /** 2 layers of width 64 (about 0.1M parameters besides the embeddings). */
    public static Shape tiny() {
      return new Shape(64, 2, 4, 2, 128, 2048, 10000.0, 1e-6, 42L);
    }

    /** 4 layers of width 256 (about 3M parameters besides the embeddings). */
    public static Shape small() {
      return new Shape(256, 4, 8, 2, 704, 4096, 10000.0, 1e-6, 42L);
    }

    /** 6 layers of width 384 (about 10M parameters besides the embeddings). */
    public static Shape medium() {
      return new Shape(384, 6, 6, 2, 1408, 4096, 10000.0, 1e-6, 42L);
    }

    /** The same shape with another weight seed. */
    public Shape withSeed(long s) {
      return new Shape(
          hidden, layers, heads, kvHeads, intermediate, maxPositions, ropeTheta, rmsEps, s);
    }

    /** The same shape with another context length. */
    public Shape withMaxPositions(int n) {
      return new Shape(hidden, layers, heads, kvHeads, intermediate, n, ropeTheta, rmsEps, seed);
    }

    /** Size of one attention head. */
    public int headDim() {
      return hidden / heads;
    }

    /** The number of parameters for a vocabulary. */
    public long parameters(int vocab) {
      long d = headDim();
      long attn =
          (long) hidden * heads * d
              + heads * d
              + 2L * (hidden * kvHeads * d + kvHeads * d)
              + (long) heads * d * hidden;
      long mlp = 3L * hidden * intermediate;
      return 2L * vocab * hidden + layers * (attn + mlp + 2L * hidden) + hidden;
    }
  }

  private DecoderInit() {}

  /**
   * Writes a fresh decoder for the tokenizer into {@code dir} (created; files of the same names are
   * replaced): {@code model.onnx}, {@code config.json}, {@code generation_config.json} and a copy
   * of the tokenizer file as {@code tokenizer.json}. The end token is {@code <|endoftext|>}, else
   * {@code <|im_end|>}, else {@code </s>}, if the tokenizer has one.
   *
   * @return {@code dir}
   * @throws IllegalArgumentException if the tokenizer file is not a supported tokenizer
   * @throws IOException when writing fails
   */
  public static Path write(Path tokenizerJson, Shape shape, Path dir) throws IOException {
    Objects.requireNonNull(shape, "shape");
    Tokenizer tok = Tokenizers.fromFile(tokenizerJson);
    Files.createDirectories(dir);
    int vocab = tok.vocabSize();
    Set<Integer> eos = new LinkedHashSet<>();
    for (String s : List.of("<|endoftext|>", "<|im_end|>", "</s>")) {
      tok.tokenId(s).ifPresent(eos::add);
    }
    SftCheckpoint.writeAtomically(
        dir.resolve("tokenizer.json"), os -> Files.copy(tokenizerJson, os));
    SftCheckpoint.writeAtomically(
        dir.resolve("config.json"),
        os -> os.write(configJson(shape, vocab, eos).getBytes(StandardCharsets.UTF_8)));
    JsonObject gen = new JsonObject();
    JsonArray ids = new JsonArray();
    eos.forEach(ids::add);
    gen.add("eos_token_id", ids);
    SftCheckpoint.writeAtomically(
        dir.resolve("generation_config.json"),
        os -> os.write(pretty(gen).getBytes(StandardCharsets.UTF_8)));
    OnnxMl.ModelProto m = model(shape, vocab);
    SftCheckpoint.writeAtomically(dir.resolve("model.onnx"), m::writeTo);
    return dir;
  }

  static String configJson(Shape c, int vocab, Set<Integer> eos) {
    JsonObject o = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("Qwen2ForCausalLM");
    o.add("architectures", arch);
    o.addProperty("model_type", "qwen2");
    o.addProperty("vocab_size", vocab);
    o.addProperty("hidden_size", c.hidden());
    o.addProperty("intermediate_size", c.intermediate());
    o.addProperty("num_hidden_layers", c.layers());
    o.addProperty("num_attention_heads", c.heads());
    o.addProperty("num_key_value_heads", c.kvHeads());
    o.addProperty("max_position_embeddings", c.maxPositions());
    o.addProperty("rms_norm_eps", c.rmsEps());
    o.addProperty("rope_theta", c.ropeTheta());
    if (!eos.isEmpty()) {
      o.addProperty("eos_token_id", eos.iterator().next());
    }
    o.addProperty("tie_word_embeddings", false);
    o.addProperty("torch_dtype", "float32");
    o.addProperty("initializer_range", 0.02);
    o.addProperty("rstar4j_seed", c.seed());
    return pretty(o);
  }

  private static String pretty(JsonObject o) {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
  }

  /** The graph (the same layout as rstar-core's test decoders, TinyQwen2). */
  static OnnxMl.ModelProto model(Shape c, int vocab) {
    int d = c.headDim();
    Random rnd = new Random(c.seed());
    double std = 0.02;
    OnnxGraphBuilder g = OnnxGraphBuilder.create("qwen2_decoder");
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
    String embed =
        g.initializer(
            "model.embed_tokens.weight", normal(rnd, vocab * c.hidden(), std), vocab, c.hidden());
    String x = g.gather(embed, ids, 0);
    float[] invFreq = new float[d / 2];
    for (int i = 0; i < d / 2; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / d));
    }
    String inv = g.initializer("rotary.inv_freq", invFreq, d / 2);
    String freqs = g.mul(g.unsqueeze(g.cast(pos, ElementType.FLOAT), -1), inv);
    String emb = g.concat(-1, freqs, freqs);
    String cos = g.unsqueeze(g.cos(emb), 1);
    String sin = g.unsqueeze(g.sin(emb), 1);
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
    for (int l = 0; l < c.layers(); l++) {
      String p = "model.layers." + l + ".";
      String h =
          g.rmsNorm(
              x,
              g.initializer(p + "input_layernorm.weight", ones(c.hidden()), c.hidden()),
              (float) c.rmsEps());
      String q = linear(g, rnd, h, p + "self_attn.q_proj", c.hidden(), c.heads() * d, std, true);
      String k = linear(g, rnd, h, p + "self_attn.k_proj", c.hidden(), c.kvHeads() * d, std, true);
      String v = linear(g, rnd, h, p + "self_attn.v_proj", c.hidden(), c.kvHeads() * d, std, true);
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
      String qg = g.reshape(g.mul(q, scale), 0, c.kvHeads(), -1, d);
      String scores = g.matMul(qg, g.transpose(presentK, 0, 1, 3, 2));
      scores = g.add(g.reshape(scores, 0, c.heads(), -1, 0), bias);
      String probs = g.reshape(g.softmax(scores, -1), 0, c.kvHeads(), -1, 0);
      String ctx = g.reshape(g.matMul(probs, presentV), 0, c.heads(), -1, d);
      ctx = g.reshape(g.transpose(ctx, 0, 2, 1, 3), 0, 0, c.heads() * d);
      String o = linear(g, rnd, ctx, p + "self_attn.o_proj", c.heads() * d, c.hidden(), std, false);
      x = g.add(x, o);
      String h2 =
          g.rmsNorm(
              x,
              g.initializer(p + "post_attention_layernorm.weight", ones(c.hidden()), c.hidden()),
              (float) c.rmsEps());
      String gate =
          linear(g, rnd, h2, p + "mlp.gate_proj", c.hidden(), c.intermediate(), std, false);
      String up = linear(g, rnd, h2, p + "mlp.up_proj", c.hidden(), c.intermediate(), std, false);
      String act = g.mul(g.mul(gate, g.sigmoid(gate)), up);
      String down =
          linear(g, rnd, act, p + "mlp.down_proj", c.intermediate(), c.hidden(), std, false);
      x = g.add(x, down);
      g.output(presentK, ElementType.FLOAT, "batch_size", c.kvHeads(), "total_sequence_length", d);
      g.output(presentV, ElementType.FLOAT, "batch_size", c.kvHeads(), "total_sequence_length", d);
    }
    String hf =
        g.rmsNorm(
            x,
            g.initializer("model.norm.weight", ones(c.hidden()), c.hidden()),
            (float) c.rmsEps());
    String lmHead =
        g.initializer("lm_head.weight", normal(rnd, c.hidden() * vocab, std), c.hidden(), vocab);
    g.node("MatMul").inputs(hf, lmHead).outputs("logits").add();
    g.output("logits", ElementType.FLOAT, "batch_size", "sequence_length", vocab);
    return g.build();
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
    String w = g.initializer(name + ".weight", normal(rnd, in * out, std), in, out);
    String y = g.matMul(x, w);
    if (bias) {
      y = g.add(y, g.initializer(name + ".bias", new float[out], out));
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
