package io.rstar4j.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A causal language model exported to ONNX (a Hugging Face Optimum export with past key values:
 * {@code model.onnx}, {@code tokenizer.json}, {@code config.json}) in an ONNX Runtime session, with
 * batched KV-cached generation and a prefix KV cache.
 *
 * <p>The layer and head layout is read from the graph's {@code past_key_values.{i}.key|value}
 * inputs; a graph without them is rejected with a message naming what is missing. The session runs
 * on CUDA when asked for and usable, else on the CPU (see {@link ProviderChoice}).
 *
 * <p>Thread-safe: generation calls are serialised (batch requests into one call instead).
 */
public final class CausalLm implements AutoCloseable {
  private final Path directory;
  private final OrtSession session;
  private final ExecutionProvider provider;
  private final DecoderLayout layout;
  private final boolean useCacheBranch;
  private final Tokenizer tokenizer;
  private final Generator generator;
  private boolean closed;

  private CausalLm(
      Path directory,
      OrtSession session,
      ExecutionProvider provider,
      Inspection inspection,
      Tokenizer tokenizer,
      Generator generator) {
    this.directory = directory;
    this.session = session;
    this.provider = provider;
    this.layout = inspection.layout;
    this.useCacheBranch = inspection.cacheBranch;
    this.tokenizer = tokenizer;
    this.generator = generator;
  }

  /**
   * Loads an export directory with default options.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the model is not a causal LM export
   * @throws IllegalStateException if ONNX Runtime is not on the class path
   */
  public static CausalLm load(Path directory) throws IOException {
    return builder(directory).build();
  }

  /**
   * A builder for the export in a directory.
   *
   * @throws NullPointerException if {@code directory} is null
   * @throws IllegalStateException if ONNX Runtime is not on the class path (the message names the
   *     artifacts to add: {@code com.microsoft.onnxruntime:onnxruntime} or {@code onnxruntime_gpu})
   */
  public static Builder builder(Path directory) {
    Objects.requireNonNull(directory, "directory");
    OnnxRuntimeCheck.require("CausalLm");
    return new Builder(directory);
  }

  /** The export directory. */
  public Path directory() {
    return directory;
  }

  /** Where the session runs. */
  public ExecutionProvider provider() {
    return provider;
  }

  /** The layout read from the graph. */
  public DecoderLayout layout() {
    return layout;
  }

  /** The tokenizer. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Generates continuations for a batch of requests in one batched decode.
   *
   * @return one result per request, in order
   * @throws IllegalArgumentException if a prompt is empty, leaves no room in the context or holds a
   *     token id outside the vocabulary
   * @throws IllegalStateException if the model is closed or ONNX Runtime fails
   */
  public synchronized List<GenerationResult> generate(
      List<GenerationRequest> requests, GenerationConfig config) {
    Objects.requireNonNull(config, "config");
    List<int[]> prompts = promptIds(requests);
    if (prompts.isEmpty()) {
      return List.of();
    }
    int[] ns = new int[requests.size()];
    for (int i = 0; i < ns.length; i++) {
      ns[i] = requests.get(i).n();
    }
    try {
      return generator.generate(prompts, ns, config);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
      throw new IllegalStateException("ONNX Runtime failed while generating: " + e.getMessage(), e);
    }
  }

  /**
   * Convenience: one text prompt, {@code n} samples.
   *
   * @throws IllegalArgumentException if the prompt is empty or leaves no room in the context, or
   *     {@code n} is below 1
   * @throws IllegalStateException if the model is closed or ONNX Runtime fails
   */
  public GenerationResult generate(String prompt, int n, GenerationConfig config) {
    return generate(List.of(GenerationRequest.ofText(prompt, n)), config).get(0);
  }

  /**
   * The checked token ids of every request's prompt.
   *
   * @throws IllegalArgumentException if a prompt is empty, leaves no room in the context or holds a
   *     token id outside the vocabulary
   * @throws IllegalStateException if the model is closed
   */
  synchronized List<int[]> promptIds(List<GenerationRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    if (closed) {
      throw new IllegalStateException("model is closed");
    }
    List<int[]> prompts = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      GenerationRequest r = requests.get(i);
      int[] ids =
          r.prompt() instanceof Prompt.Text t
              ? tokenizer.encode(t.text())
              : ((Prompt.Tokens) r.prompt()).idsUnsafe();
      if (ids.length == 0) {
        throw new IllegalArgumentException("request " + i + ": the prompt is empty");
      }
      if (ids.length >= layout.maxPositions()) {
        throw new IllegalArgumentException(
            "request "
                + i
                + ": the prompt has "
                + ids.length
                + " tokens but the model's context is "
                + layout.maxPositions()
                + " tokens (no room to generate)");
      }
      for (int id : ids) {
        if (id < 0 || id >= layout.vocabSize()) {
          throw new IllegalArgumentException(
              "request "
                  + i
                  + ": token id "
                  + id
                  + " is outside the vocabulary [0, "
                  + layout.vocabSize()
                  + ")");
        }
      }
      prompts.add(ids);
    }
    return prompts;
  }

  /** The session, for a test-only reference decoder over the same graph. */
  OrtSession session() {
    return session;
  }

  /** Whether the graph takes {@code use_cache_branch} (an Optimum merged decoder). */
  boolean usesCacheBranch() {
    return useCacheBranch;
  }

  /** For tests: sample rows in parallel from this much rows x vocabulary work on. */
  synchronized void parallelSamplingWork(long work) {
    generator.parallelSamplingWork(work);
  }

  /** The prefix cache's counters and memory. */
  public synchronized PrefixCacheStats prefixCacheStats() {
    return generator.cacheStats();
  }

  /** Empties the prefix cache (counters are kept). */
  public synchronized void clearPrefixCache() {
    generator.clearCache();
  }

  /** Cumulative timing of model runs (see {@link DecodeStats#outsideRunShare()}). */
  public synchronized DecodeStats decodeStats() {
    return generator.stats();
  }

  /**
   * Releases the session. Idempotent.
   *
   * @throws IllegalStateException if ONNX Runtime fails to close the session
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      generator.close();
      try {
        session.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
        throw new IllegalStateException("closing the session failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Options for loading; every setter validates at once and may be called once ("provider was
   * already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private final Path directory;
    private String modelFile;
    private ProviderChoice providerChoice = ProviderChoice.AUTO;
    private int cudaDevice;
    private int intraOpThreads;
    private boolean spinning = true;
    private boolean measureCpuTime;
    private long prefixCacheBytes = 256L << 20;
    private int prefillChunk = 256;
    private Tokenizer tokenizer;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * The model file inside the directory (default: {@code model.onnx}, else the Optimum merged
     * decoder {@code decoder_model_merged.onnx}).
     *
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if already set
     */
    public Builder modelFile(String fileName) {
      set.mark("modelFile");
      this.modelFile = Checks.nonBlank("model file name", fileName);
      return this;
    }

    /**
     * Which execution provider to use (default {@link ProviderChoice#AUTO}).
     *
     * @throws NullPointerException if {@code choice} is null
     * @throws IllegalStateException if already set
     */
    public Builder provider(ProviderChoice choice) {
      set.mark("provider");
      this.providerChoice = Objects.requireNonNull(choice, "choice");
      return this;
    }

    /**
     * The CUDA device id (default 0).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder cudaDevice(int device) {
      set.mark("cudaDevice");
      this.cudaDevice = Checks.atLeast("CUDA device", device, 0);
      return this;
    }

    /**
     * Threads for one operator (0: ONNX Runtime's default).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder intraOpThreads(int threads) {
      set.mark("intraOpThreads");
      this.intraOpThreads = Checks.atLeast("intra-op threads", threads, 0);
      return this;
    }

    /**
     * Whether ONNX Runtime's worker threads spin between runs (default true, ONNX Runtime's
     * default). Spinning lowers latency on an idle machine but takes cores from the Java work
     * between decode steps when cores are scarce.
     *
     * @throws IllegalStateException if already set
     */
    public Builder spinning(boolean spin) {
      set.mark("spinning");
      this.spinning = spin;
      return this;
    }

    /**
     * Whether to measure the generating thread's CPU time inside and outside {@code OrtSession.run}
     * in every decode step (default false; costs three clock reads per step). See {@link
     * DecodeStats#outsideRunCpuShare()}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder measureCpuTime(boolean on) {
      set.mark("measureCpuTime");
      this.measureCpuTime = on;
      return this;
    }

    /**
     * The prefix KV cache budget in bytes; 0 disables the cache. Default 256 MiB.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder prefixCacheBytes(long bytes) {
      set.mark("prefixCacheBytes");
      if (bytes < 0) {
        throw new IllegalArgumentException("prefix cache bytes must be >= 0, was " + bytes);
      }
      this.prefixCacheBytes = bytes;
      return this;
    }

    /**
     * Longest prompt piece computed in one model run (bounds the logits buffer). Default 256.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder prefillChunk(int tokens) {
      set.mark("prefillChunk");
      this.prefillChunk = Checks.positive("prefill chunk", tokens);
      return this;
    }

    /**
     * Uses this tokenizer instead of the directory's {@code tokenizer.json}.
     *
     * @throws NullPointerException if {@code tokenizer} is null
     * @throws IllegalStateException if already set
     */
    public Builder tokenizer(Tokenizer tokenizer) {
      set.mark("tokenizer");
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * Loads the model.
     *
     * @throws IOException if the directory or a needed file is missing or unreadable
     * @throws IllegalArgumentException if the model is not a causal LM export
     * @throws IllegalStateException if ONNX Runtime is not on the class path, or CUDA was required
     *     and is not usable
     */
    public CausalLm build() throws IOException {
      if (!Files.isDirectory(directory)) {
        throw new NoSuchFileException(directory.toString(), null, "model directory does not exist");
      }
      Path model = resolveModel();
      Path configFile = directory.resolve("config.json");
      if (!Files.isRegularFile(configFile)) {
        throw new NoSuchFileException(
            configFile.toString(), null, "config.json is missing from the model directory");
      }
      JsonObject config = readJson(configFile);
      Path genFile = directory.resolve("generation_config.json");
      JsonObject genConfig = Files.isRegularFile(genFile) ? readJson(genFile) : new JsonObject();
      Tokenizer tok = tokenizer;
      if (tok == null) {
        Path tokFile = directory.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokFile)) {
          throw new NoSuchFileException(
              tokFile.toString(), null, "tokenizer.json is missing from the model directory");
        }
        tok = TokenizerFiles.load(tokFile);
      }
      OrtEnvironment env = OnnxSessions.environment();
      String path = model.toString();
      OnnxSessions.Opened opened;
      try {
        opened =
            OnnxSessions.open(
                env,
                (e, so) -> e.createSession(path, so),
                path,
                new SessionSettings(providerChoice, cudaDevice, intraOpThreads, spinning));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
        throw new IllegalArgumentException(
            model + " could not be loaded by ONNX Runtime: " + e.getMessage(), e);
      }
      try {
        Inspection ins = inspect(opened.session(), model, config, genConfig, tok);
        Generator generator =
            new Generator(
                env,
                opened.session(),
                ins.layout,
                tok,
                prefixCacheBytes,
                prefillChunk,
                ins.cacheBranch,
                measureCpuTime);
        return new CausalLm(directory, opened.session(), opened.provider(), ins, tok, generator);
      } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
        try {
          opened.session().close();
        } catch (Exception ignored) {
          // already failing
        }
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
      }
    }

    private Path resolveModel() throws NoSuchFileException {
      if (modelFile != null) {
        Path p = directory.resolve(modelFile);
        if (!Files.isRegularFile(p)) {
          throw new NoSuchFileException(p.toString(), null, "model file does not exist");
        }
        return p;
      }
      for (String n : List.of("model.onnx", "decoder_model_merged.onnx")) {
        Path p = directory.resolve(n);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      throw new NoSuchFileException(
          directory.resolve("model.onnx").toString(),
          null,
          "no model.onnx (or decoder_model_merged.onnx) in the model directory");
    }
  }

  private record Inspection(DecoderLayout layout, boolean cacheBranch) {}

  private static Inspection inspect(
      OrtSession session, Path model, JsonObject config, JsonObject genConfig, Tokenizer tok)
      throws OrtException {
    Map<String, NodeInfo> in = session.getInputInfo();
    Map<String, NodeInfo> out = session.getOutputInfo();
    String what = model + " is not a causal LM export with past key values";
    for (String required : List.of("input_ids", "attention_mask", "past_key_values.0.key")) {
      if (!in.containsKey(required)) {
        throw new IllegalArgumentException(
            what
                + ": it has no input '"
                + required
                + "' (inputs: "
                + new TreeSet<>(in.keySet())
                + "; export with e.g. `optimum-cli"
                + " export onnx --task text-generation-with-past`)");
      }
    }
    if (!out.containsKey("logits")) {
      throw new IllegalArgumentException(
          what + ": it has no output 'logits' (outputs: " + new TreeSet<>(out.keySet()) + ")");
    }
    int layers = 0;
    while (in.containsKey("past_key_values." + layers + ".key")) {
      layers++;
    }
    for (int i = 0; i < layers; i++) {
      for (String n : List.of("past_key_values." + i + ".value")) {
        if (!in.containsKey(n)) {
          throw new IllegalArgumentException(what + ": it has no input '" + n + "'");
        }
      }
      for (String n : List.of("present." + i + ".key", "present." + i + ".value")) {
        if (!out.containsKey(n)) {
          throw new IllegalArgumentException(what + ": it has no output '" + n + "'");
        }
      }
    }
    TensorInfo kv = tensorInfo(in.get("past_key_values.0.key"), what);
    if (kv.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException(
          model + ": past key values are " + kv.type + "; only float32 exports are supported");
    }
    long[] kvShape = kv.getShape();
    if (kvShape.length != 4) {
      throw new IllegalArgumentException(
          what
              + ": past_key_values.0.key has rank "
              + kvShape.length
              + ", expected [batch, kv_heads, past, head_dim]");
    }
    int kvHeads =
        kvShape[1] > 0
            ? (int) kvShape[1]
            : configInt(
                config, "num_key_value_heads", configInt(config, "num_attention_heads", -1));
    int headDim =
        kvShape[3] > 0
            ? (int) kvShape[3]
            : configInt(
                config,
                "head_dim",
                configInt(config, "hidden_size", -1)
                    / Math.max(1, configInt(config, "num_attention_heads", 1)));
    long[] logitsShape = tensorInfo(out.get("logits"), what).getShape();
    int vocab =
        logitsShape.length == 3 && logitsShape[2] > 0
            ? (int) logitsShape[2]
            : configInt(config, "vocab_size", -1);
    if (kvHeads < 1 || headDim < 1 || vocab < 1) {
      throw new IllegalArgumentException(
          model
              + ": cannot tell the KV heads, head size or"
              + " vocabulary size from the graph or config.json");
    }
    int maxPositions =
        configInt(config, "max_position_embeddings", configInt(config, "n_positions", 32768));
    Set<Integer> eos = new LinkedHashSet<>();
    addIds(config.get("eos_token_id"), eos);
    addIds(genConfig.get("eos_token_id"), eos);
    if (eos.isEmpty()) {
      tok.tokenId("<|endoftext|>").ifPresent(eos::add);
    }
    DecoderLayout layout =
        new DecoderLayout(
            layers, kvHeads, headDim, vocab, maxPositions, eos, in.containsKey("position_ids"));
    return new Inspection(layout, in.containsKey("use_cache_branch"));
  }

  private static TensorInfo tensorInfo(NodeInfo n, String what) {
    if (!(n.getInfo() instanceof TensorInfo)) {
      throw new IllegalArgumentException(what + ": '" + n.getName() + "' is not a tensor");
    }
    return (TensorInfo) n.getInfo();
  }

  private static int configInt(JsonObject c, String key, int def) {
    JsonElement e = c.get(key);
    if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
      return def;
    }
    try {
      return e.getAsInt();
    } catch (NumberFormatException ex) {
      return def;
    }
  }

  private static void addIds(JsonElement e, Set<Integer> out) {
    if (e == null || e.isJsonNull()) {
      return;
    }
    if (e.isJsonArray()) {
      for (JsonElement x : e.getAsJsonArray()) {
        addIds(x, out);
      }
    } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      out.add(e.getAsInt());
    }
  }

  private static JsonObject readJson(Path file) throws IOException {
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException(file + " is not a JSON object");
      }
      return e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}
