package io.rstar4j.train.ppm;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.SpiException;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.io.AtomicFiles;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The Process Preference Model: a backbone and a value head ({@code Linear(hidden, 1)} on the last
 * non-pad token's hidden state). The raw score {@code r} of a (question, partial trajectory) is
 * reported as {@code tanh(r / 5)}, in (-1, 1). The prompt is the training template's head followed
 * by the steps' solution text, exactly as preference pairs are built ({@code prompt + pos}), cut
 * from the left to the context length.
 *
 * <p>A PPM directory holds either {@code ppm.json} (naming the backbone directory, relative or
 * absolute, and its settings) and {@code value_head.json}; or the backbone itself ({@code
 * model.onnx} or a single {@code *.onnx}, and {@code tokenizer.json}) with {@code value_head.json}
 * beside it; or a merged model whose output {@code values} is the head's per-token score (see
 * {@link #exportMerged}).
 */
public final class ProcessPreferenceModel implements RewardModel {
  /** The settings file of a PPM directory. */
  public static final String SETTINGS_FILE = "ppm.json";

  private final Backbone backbone;
  private final ValueHead head;
  private final PromptTemplate template;
  private final double scale;
  private final FeatureCache cache;

  private ProcessPreferenceModel(Builder b) {
    this.backbone = b.backbone;
    this.head = b.head;
    this.template = b.template;
    this.scale = b.scale;
    this.cache = new FeatureCache(backbone, b.cacheSize);
  }

  /** A builder; backbone and head are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The backbone. */
  public Backbone backbone() {
    return backbone;
  }

  /** The value head. */
  public ValueHead head() {
    return head;
  }

  /** The prompt a request is scored on. */
  public String promptOf(Problem problem, Trajectory partial) {
    return template.render(problem.question(), partial);
  }

  /** The prompt for a question and the text of the steps so far (their texts joined). */
  public String promptOf(String question, String solutionText) {
    return template.head(question) + solutionText;
  }

  /**
   * {@inheritDoc} Scores are {@code tanh(r / 5)} of the raw head outputs.
   *
   * @throws SpiException when the backbone fails to run
   */
  @Override
  public double[] score(List<RewardRequest> batch) {
    List<String> prompts = new ArrayList<>(batch.size());
    for (RewardRequest r : batch) {
      prompts.add(promptOf(r.problem(), r.partial()));
    }
    return scoreTexts(prompts);
  }

  /**
   * {@code tanh(r / 5)} of each full prompt text.
   *
   * @throws SpiException when the backbone fails to run
   */
  public double[] scoreTexts(List<String> prompts) {
    double[] raw = rawScores(prompts);
    for (int i = 0; i < raw.length; i++) {
      raw[i] = Math.tanh(raw[i] / scale);
    }
    return raw;
  }

  /**
   * The raw head outputs {@code r} of each full prompt text.
   *
   * @throws SpiException when the backbone fails to run
   */
  public double[] rawScores(List<String> prompts) {
    if (prompts.isEmpty()) {
      return new double[0];
    }
    float[][] f;
    try {
      f = cache.features(prompts);
    } catch (IllegalStateException e) { // the backbone's failure to run (Backbone's contract)
      throw new SpiException(
          "the PPM could not score " + prompts.size() + " texts: " + e.getMessage(), e);
    }
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = head.raw(f[i]);
    }
    return out;
  }

  /** How many texts were cut from the left to fit the context so far. */
  public long truncatedTexts() {
    return backbone.truncatedTexts();
  }

  @Override
  public void close() {
    backbone.close();
  }

  /**
   * Loads a PPM directory (see the class comment) with the project's tokenizer ({@link
   * Tokenizers#fromFile}).
   *
   * @throws IllegalArgumentException when the directory is incomplete or the head does not fit
   * @throws IOException when a file cannot be read
   * @throws IllegalStateException when ONNX Runtime is not on the class path (the message names the
   *     artifacts to add)
   */
  public static ProcessPreferenceModel load(Path dir) throws IOException {
    return load(dir, Tokenizers::fromFile, null);
  }

  /**
   * Loads a PPM directory (see the class comment).
   *
   * @param dir the directory
   * @param tokenizers loads a {@code tokenizer.json}
   * @throws IllegalArgumentException when the directory is incomplete or the head does not fit
   * @throws IOException when a file cannot be read
   * @throws IllegalStateException when ONNX Runtime is not on the class path (the message names the
   *     artifacts to add)
   */
  public static ProcessPreferenceModel load(Path dir, Function<Path, Tokenizer> tokenizers)
      throws IOException {
    return load(dir, tokenizers, null);
  }

  /**
   * Loads a PPM directory with the saved backbone settings adjusted (e.g. another batch size or
   * device); null keeps them.
   *
   * @see #load(Path, Function)
   */
  public static ProcessPreferenceModel load(
      Path dir, Function<Path, Tokenizer> tokenizers, UnaryOperator<BackboneSettings> adjust)
      throws IOException {
    OnnxRuntimeCheck.require("ProcessPreferenceModel");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no such PPM directory: " + dir);
    }
    Path backboneDir = dir;
    BackboneSettings settings = BackboneSettings.defaults();
    Path settingsFile = dir.resolve(SETTINGS_FILE);
    if (Files.exists(settingsFile)) {
      JsonObject o;
      try {
        o =
            JsonParser.parseString(Files.readString(settingsFile, StandardCharsets.UTF_8))
                .getAsJsonObject();
        if (o.has("backbone")) {
          backboneDir = dir.resolve(o.get("backbone").getAsString());
        }
        if (o.has("backbone_settings")) {
          settings = BackboneSettings.fromJson(o.getAsJsonObject("backbone_settings"));
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(settingsFile + ": malformed: " + e.getMessage(), e);
      }
    }
    if (adjust != null) {
      settings = Objects.requireNonNull(adjust.apply(settings), "adjusted settings");
    } else if (settings.batchSize() > 1
        && dynamicallyQuantized(findOne(backboneDir, "model.onnx", ".onnx", null))) {
      // per-batch activation scales: a text's score would depend on its batch neighbours
      System.getLogger(ProcessPreferenceModel.class.getName())
          .log(
              System.Logger.Level.INFO,
              "{0}: the backbone quantizes activations per batch: scoring one text per call, so"
                  + " that a score does not depend on its neighbours",
              backboneDir);
      settings = settings.toBuilder().batchSize(1).build();
    }
    Path headFile = dir.resolve(ValueHead.FILE_NAME);
    if (!Files.exists(headFile) && Files.exists(backboneDir.resolve(ValueHead.FILE_NAME))) {
      headFile = backboneDir.resolve(ValueHead.FILE_NAME);
    }
    ValueHead head = Files.exists(headFile) ? ValueHead.load(headFile) : null;
    Backbone backbone = openBackbone(backboneDir, tokenizers, settings);
    try {
      if (head == null) {
        if (backbone.hiddenSize() != 1) {
          throw new IllegalArgumentException(
              dir
                  + ": no "
                  + ValueHead.FILE_NAME
                  + " and the model is not a merged PPM (its output has size "
                  + backbone.hiddenSize()
                  + ", a merged model's is 1)");
        }
        head = ValueHead.of(new float[] {1f}, 0f);
      }
      return builder().backbone(backbone).head(head).build();
    } catch (RuntimeException e) {
      backbone.close();
      throw e;
    }
  }

  /**
   * Whether an ONNX model quantizes activations dynamically ({@code DynamicQuantizeLinear}, {@code
   * MatMulInteger}, {@code DynamicQuantizeMatMul}), with scales computed over the whole batch: the
   * operator names are looked for in the file's bytes.
   */
  static boolean dynamicallyQuantized(Path onnx) {
    byte[][] names = {
      "DynamicQuantizeLinear".getBytes(StandardCharsets.US_ASCII),
      "MatMulInteger".getBytes(StandardCharsets.US_ASCII),
      "DynamicQuantizeMatMul".getBytes(StandardCharsets.US_ASCII)
    };
    try (java.io.InputStream in =
        new java.io.BufferedInputStream(Files.newInputStream(onnx), 1 << 16)) {
      int[] at = new int[names.length];
      for (int b; (b = in.read()) >= 0; ) {
        for (int i = 0; i < names.length; i++) {
          byte[] n = names[i];
          if (n[at[i]] == (byte) b) {
            if (++at[i] == n.length) {
              return true;
            }
          } else {
            at[i] = n[0] == (byte) b ? 1 : 0;
          }
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Opens the backbone of a directory: {@code model.onnx} (or its only {@code *.onnx}) and {@code
   * tokenizer.json} (or its only {@code *tokenizer*.json}).
   *
   * @throws IllegalArgumentException when the files are missing or ambiguous
   * @throws IllegalStateException when ONNX Runtime is not on the class path (the message names the
   *     artifacts to add)
   */
  public static Backbone openBackbone(
      Path dir, Function<Path, Tokenizer> tokenizers, BackboneSettings settings)
      throws IOException {
    OnnxRuntimeCheck.require("ProcessPreferenceModel");
    Path model = findOne(dir, "model.onnx", ".onnx", null);
    Path tok = findOne(dir, "tokenizer.json", ".json", "tokenizer");
    return Backbone.onnx(model, tokenizers.apply(tok), settings);
  }

  static Path findOne(Path dir, String preferred, String suffix, String contains)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no such backbone directory: " + dir);
    }
    Path p = dir.resolve(preferred);
    if (Files.isRegularFile(p)) {
      return p;
    }
    List<Path> found;
    try (Stream<Path> s = Files.list(dir)) {
      found =
          s.filter(
                  x -> {
                    String n = x.getFileName().toString();
                    return n.endsWith(suffix) && (contains == null || n.contains(contains));
                  })
              .sorted()
              .toList();
    }
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          dir
              + ": expected "
              + preferred
              + " or a single *"
              + (contains == null ? "" : contains + "*")
              + suffix
              + ", found "
              + found.size());
    }
    return found.get(0);
  }

  /**
   * Writes a PPM directory that refers to a backbone directory and holds the head.
   *
   * @param dir the PPM directory (created)
   * @param backboneDir the backbone directory (stored relative to {@code dir} when possible)
   * @param settings the backbone settings to store
   * @param head the value head
   */
  public static void save(Path dir, Path backboneDir, BackboneSettings settings, ValueHead head)
      throws IOException {
    Files.createDirectories(dir);
    JsonObject o = new JsonObject();
    Path abs = backboneDir.toAbsolutePath().normalize();
    o.addProperty("backbone", abs.toString());
    o.add("backbone_settings", settings.toJson());
    o.addProperty("head", ValueHead.FILE_NAME);
    o.addProperty("template", "training");
    o.addProperty("score", "tanh(r/5)");
    AtomicFiles.writeString(dir.resolve(SETTINGS_FILE), o.toString());
    head.save(dir.resolve(ValueHead.FILE_NAME));
  }

  /**
   * Writes one ONNX graph holding backbone and head: the backbone's hidden-state output followed by
   * the head, as output {@code values [batch, seq, 1]} (the per-token score; the PPM reads the last
   * non-pad token's). Such a model loads without a head file.
   *
   * @throws IllegalArgumentException when the hidden size does not match the head
   */
  public static void exportMerged(Path backboneModel, String hiddenOutput, ValueHead head, Path out)
      throws IOException {
    MergedGraph.write(backboneModel, hiddenOutput, head, out);
  }

  /**
   * Builder of {@link ProcessPreferenceModel}: every setter validates at once, and setting an
   * option twice fails ("head was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private Backbone backbone;
    private ValueHead head;
    private PromptTemplate template = PromptTemplate.TRAINING;
    private double scale = 5.0;
    private int cacheSize = 4096;

    private Builder() {}

    /**
     * The backbone (required).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder backbone(Backbone b) {
      set.mark("backbone");
      this.backbone = Objects.requireNonNull(b, "backbone");
      return this;
    }

    /**
     * The value head (required).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder head(ValueHead h) {
      set.mark("head");
      this.head = Objects.requireNonNull(h, "head");
      return this;
    }

    /**
     * The prompt template (default {@link PromptTemplate#TRAINING}, as the pairs are built).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder template(PromptTemplate t) {
      set.mark("template");
      this.template = Objects.requireNonNull(t, "template");
      return this;
    }

    /**
     * The divisor in {@code tanh(r / scale)} (default 5).
     *
     * @throws IllegalArgumentException unless positive and finite
     * @throws IllegalStateException if already set
     */
    public Builder scale(double s) {
      set.mark("scale");
      this.scale = Checks.finitePositive("scale", s);
      return this;
    }

    /**
     * How many prompts' features are kept (default 4096; 0: none).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder cacheSize(int n) {
      set.mark("cacheSize");
      this.cacheSize = Checks.atLeast("cacheSize", n, 0);
      return this;
    }

    /**
     * The model.
     *
     * @throws IllegalStateException when backbone or head is missing
     * @throws IllegalArgumentException when the head's hidden size differs from the backbone's
     */
    public ProcessPreferenceModel build() {
      if (backbone == null || head == null) {
        throw new IllegalStateException("a PPM needs a backbone and a head");
      }
      if (head.hiddenSize() != backbone.hiddenSize()) {
        throw new IllegalArgumentException(
            "hidden size mismatch: the value head takes "
                + head.hiddenSize()
                + " inputs but the backbone's hidden states have "
                + backbone.hiddenSize());
      }
      return new ProcessPreferenceModel(this);
    }
  }
}
