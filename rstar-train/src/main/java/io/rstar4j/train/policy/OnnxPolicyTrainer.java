package io.rstar4j.train.policy;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.autodiff.Losses;
import io.rstar4j.train.autodiff.TrainingGraph;
import io.rstar4j.train.autodiff.TrainingGraphBuilder;
import io.rstar4j.train.autodiff.TrainingSession;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.SftFile;
import io.rstar4j.train.evolve.PolicyTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Policy SFT on ONNX Runtime: fine-tunes a decoder export (a Hugging Face Optimum export with past
 * key values, or one {@link DecoderInit} or {@code rstar make-tiny-model} wrote) on {@code {query,
 * response}} records and writes the trained model as an export of the same layout, which {@code
 * CausalLm}, {@code OnnxPolicy}, {@code rstar generate}, {@code rstar solve --model} and {@code
 * rstar train-ppm --backbone} load unchanged: the trained weights go back into the original graph
 * (past-KV inputs and all), the other files are copied.
 *
 * <p>Each record is rendered as the search prompts the policy ({@link PromptTemplate#SEARCH} by
 * default: {@code <|user|>:\n{query}\n\n<|assistant|>: Let's think step by step and solve the
 * problem with code.}) followed by the response and the model's end token; the loss is the mean
 * next-token cross-entropy over the response tokens only. Records are grouped by length (length
 * bucketing, padding only within a batch of similar lengths); the learning rate warms up linearly
 * and then follows a cosine to 0, as Hugging Face's {@code get_cosine_schedule_with_warmup}. A
 * seeded share of the records is held out and its loss reported after every epoch. Records longer
 * than the maximum length (and the model's context) are cut from the right and counted.
 *
 * <p>After every epoch the state (weights and AdamW moments) is checkpointed atomically in {@code
 * OUT/.sft-checkpoint/}; a run killed at any point resumes from the last finished epoch when run
 * again with the same model, data and options. An output directory that holds anything else, or a
 * checkpoint of a run with other data or options, is refused.
 *
 * <pre>{@code
 * OnnxPolicyTrainer t = OnnxPolicyTrainer.builder().epochs(2).learningRate(7e-6).build();
 * SftResult r = t.train(sftFile, baseModelDir, outDir, SftListener.none());
 * }</pre>
 *
 * <p>As a {@link PolicyTrainer} of self-evolution ({@link Builder#baseModel}), each round
 * fine-tunes the base model on that round's records into {@code ROUND_DIR/policy} ({@link
 * #roundPolicy}), as the paper does.
 */
public final class OnnxPolicyTrainer implements PolicyTrainer {
  private static final System.Logger LOG = System.getLogger(OnnxPolicyTrainer.class.getName());

  /** The directory under a round's directory that {@link #train(int, Path, Path)} writes. */
  public static final String ROUND_POLICY_DIR = "policy";

  private final int epochs;
  private final double learningRate;
  private final int batch;
  private final int maxLength;
  private final long seed;
  private final TrainMode mode;
  private final int loraRank;
  private final double loraAlpha;
  private final ProviderChoice device;
  private final double warmupRatio;
  private final double heldOutFraction;
  private final double weightDecay;
  private final double maxGradNorm;
  private final PromptTemplate template;
  private final int threads;
  private final Path baseModel;

  private OnnxPolicyTrainer(Builder b) {
    this.epochs = b.epochs;
    this.learningRate = b.learningRate;
    this.batch = b.batch;
    this.maxLength = b.maxLength;
    this.seed = b.seed;
    this.mode = b.mode;
    this.loraRank = b.loraRank;
    this.loraAlpha = b.loraAlpha;
    this.device = b.device;
    this.warmupRatio = b.warmupRatio;
    this.heldOutFraction = b.heldOutFraction;
    this.weightDecay = b.weightDecay;
    this.maxGradNorm = b.maxGradNorm;
    this.template = b.template;
    this.threads = b.threads;
    this.baseModel = b.baseModel;
  }

  /** A builder with the reference's SFT defaults (2 epochs, lr 7e-6, max length 2048). */
  public static Builder builder() {
    return new Builder();
  }

  /** Where {@link #train(int, Path, Path)} writes a round's policy. */
  public static Path roundPolicy(Path roundDir) {
    return roundDir.resolve(ROUND_POLICY_DIR);
  }

  /** The base model a self-evolution round starts from, if set. */
  public java.util.Optional<Path> baseModel() {
    return java.util.Optional.ofNullable(baseModel);
  }

  /**
   * Fine-tunes the {@link Builder#baseModel base model} on the round's records into {@link
   * #roundPolicy roundDir/policy} (resuming a killed run of the same round).
   *
   * @throws IllegalStateException if no base model was set
   * @throws IOException as {@link #train(Path, Path, Path, SftListener)}, and when training fails
   */
  @Override
  public String train(int round, Path sftFile, Path roundDir) throws IOException {
    if (baseModel == null) {
      throw new IllegalStateException(
          "OnnxPolicyTrainer as a PolicyTrainer needs the base model (builder().baseModel(dir))");
    }
    if (SftFile.read(sftFile).records().isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "round {0}: no SFT records in {1}: the policy is not fine-tuned this round",
          round,
          sftFile);
      return "not fine-tuned (round " + round + " produced no SFT records)";
    }
    SftResult r;
    try {
      r = train(sftFile, baseModel, roundPolicy(roundDir), SftListener.none());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("round " + round + ": policy fine-tuning failed: " + e.getMessage(), e);
    }
    return String.format(
        Locale.ROOT,
        "fine-tuned %s from %s: %d epochs, train loss %.4f, held-out loss %.4f, %d records",
        roundDir.relativize(r.output()),
        baseModel,
        r.epochs(),
        r.trainLoss(),
        r.heldOutLoss(),
        r.trainRecords());
  }

  /**
   * Fine-tunes the export in {@code modelDir} on the records of {@code sftFile} and writes the
   * trained export to {@code outDir}.
   *
   * @param sftFile {@code {"query", "response"}} per line; malformed lines are skipped and reported
   *     to the listener with their numbers
   * @param modelDir the export to start from (model.onnx, config.json, tokenizer.json, ...)
   * @param outDir where the trained export goes (created; empty, or holding this run's checkpoint)
   * @param listener progress
   * @return what the run did
   * @throws IllegalArgumentException if a file is missing or not what it should be, the file has no
   *     usable record, the output directory holds another run or other files, or the model cannot
   *     be trained (a non-float parameter, an operator without a gradient rule: named)
   * @throws IllegalStateException if the loss stops being finite or ONNX Runtime fails
   * @throws IOException when reading or writing fails
   */
  public SftResult train(Path sftFile, Path modelDir, Path outDir, SftListener listener)
      throws IOException {
    Objects.requireNonNull(sftFile, "sftFile");
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(listener, "listener");
    Path modelFile = modelDir.resolve("model.onnx");
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException(
          "no model.onnx in " + modelDir + " (--model must be a decoder export directory)");
    }
    if (!Files.isRegularFile(modelDir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException("no tokenizer.json in " + modelDir);
    }
    if (outDir.toAbsolutePath().normalize().equals(modelDir.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "the output directory is the model directory " + modelDir + "; choose another");
    }
    SftFile sft = SftFile.read(sftFile);
    for (LineError e : sft.errors()) {
      listener.onMalformedLine(sftFile, e);
    }
    JsonObject config = readConfig(modelDir);
    Tokenizer tok = Tokenizers.fromFile(modelDir.resolve("tokenizer.json"));
    int context =
        config.has("max_position_embeddings")
            ? config.get("max_position_embeddings").getAsInt()
            : Integer.MAX_VALUE;
    int maxLen = Math.min(maxLength, context);
    SftData.Prepared prepared =
        SftData.prepare(sft.records(), tok, template, maxLen, eos(config, modelDir, tok));
    if (prepared.examples().isEmpty()) {
      throw new IllegalArgumentException(
          "no usable SFT records in "
              + sftFile
              + (sft.records().isEmpty()
                  ? (sft.errors().isEmpty() ? " (the file is empty)" : " (every line is malformed)")
                  : " (every prompt fills the maximum length " + maxLen + ")"));
    }
    List<List<SftData.Example>> split = SftData.split(prepared.examples(), heldOutFraction, seed);
    List<SftData.Example> trainSet = split.get(0);
    List<SftData.Example> heldOut = split.get(1);
    long stepsPerEpoch = (trainSet.size() + batch - 1) / batch;
    long totalSteps = stepsPerEpoch * epochs;
    Schedule schedule =
        new Schedule(learningRate, Math.round(warmupRatio * totalSteps), totalSteps);

    JsonObject fingerprint = fingerprint(sftFile, modelFile, maxLen);
    SftCheckpoint.Progress progress = openOutput(outDir, fingerprint);
    if (progress != null && progress.done()) {
      return result(outDir, progress, trainSet, heldOut, prepared, progress.epochsDone());
    }
    int resumedFrom = progress == null ? 0 : progress.epochsDone();

    OnnxMl.ModelProto forward = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(modelFile));
    requireDecoder(forward, modelFile);
    boolean positionIds = hasInput(forward, "position_ids");
    Lora lora = mode == TrainMode.LORA ? Lora.attach(forward, loraRank, loraAlpha, seed) : null;
    OnnxMl.ModelProto trainForward = lora == null ? forward : lora.model();
    List<String> params = lora == null ? Parameters.select(forward) : lora.adapterNames();
    OnnxMl.ModelProto withLoss = Losses.tokenCrossEntropy(trainForward, "logits");
    TrainingGraph graph =
        TrainingGraphBuilder.forModel(withLoss)
            .trainable(params)
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .noWeightDecay(Parameters.vectors(withLoss, params))
            .build();
    for (TensorSpecCheck c : TensorSpecCheck.of(graph, positionIds)) {
      throw new IllegalArgumentException(
          modelFile
              + ": the training graph needs the input '"
              + c.name()
              + "', which SFT cannot"
              + " feed (supported: input_ids, attention_mask, position_ids, past key values)");
    }
    List<SftResult.Epoch> history =
        new ArrayList<>(progress == null ? List.of() : progress.history());
    long tokens = progress == null ? 0 : progress.tokens();
    double secondsBefore = progress == null ? 0 : progress.seconds();
    long t0 = System.nanoTime();
    TrainingSession.Builder sb =
        TrainingSession.builder(graph).weightDecay(weightDecay).maxGradNorm(maxGradNorm);
    sb.provider(device);
    if (threads > 0) {
      sb.intraOpThreads(threads);
    }
    try (TrainingSession session = sb.build()) {
      String stateFile = progress == null ? null : progress.stateFile();
      if (stateFile != null) {
        session.restore(SftCheckpoint.readState(SftCheckpoint.dir(outDir).resolve(stateFile)));
      }
      listener.onStart(
          totalSteps, session.steps(), trainSet.size(), heldOut.size(), prepared.truncated());
      for (int epoch = resumedFrom + 1; epoch <= epochs; epoch++) {
        List<List<SftData.Example>> batches =
            SftData.batches(trainSet, batch, seed * 1_000_003L + epoch);
        double lossSum = 0;
        long scoredSum = 0;
        long inEpoch = 0;
        for (List<SftData.Example> b : batches) {
          double lr = schedule.rate(session.steps());
          TrainingSession.StepResult r = session.step(SftData.tensors(b, positionIds), lr);
          if (!Double.isFinite(r.loss())) {
            throw new IllegalStateException(
                "the loss is "
                    + r.loss()
                    + " at step "
                    + r.step()
                    + "; lower the learning rate (was "
                    + learningRate
                    + ")");
          }
          int scored = SftData.scored(b);
          lossSum += r.loss() * scored;
          scoredSum += scored;
          for (SftData.Example e : b) {
            tokens += e.ids().length;
          }
          inEpoch++;
          listener.onStep(epoch, inEpoch, stepsPerEpoch, r.loss(), lr);
        }
        double heldOutLoss =
            heldOut.isEmpty() ? Double.NaN : evaluate(session, withLoss, heldOut, positionIds);
        SftResult.Epoch rep = new SftResult.Epoch(epoch, lossSum / scoredSum, heldOutLoss);
        history.add(rep);
        String newState = "state-" + epoch + ".bin";
        SftCheckpoint.writeState(SftCheckpoint.dir(outDir).resolve(newState), session.state());
        double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
        SftCheckpoint.write(
            outDir,
            new SftCheckpoint.Progress(
                fingerprint, epoch, newState, history, tokens, seconds, false));
        if (stateFile != null) {
          Files.deleteIfExists(SftCheckpoint.dir(outDir).resolve(stateFile));
        }
        stateFile = newState;
        listener.onEpoch(rep);
      }
      OnnxMl.ModelProto trained =
          lora == null ? session.withTrainedWeights(forward) : lora.merge(forward, session);
      ExportFiles.write(modelDir, outDir, trained);
      double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
      SftCheckpoint.Progress done =
          new SftCheckpoint.Progress(fingerprint, epochs, null, history, tokens, seconds, true);
      SftCheckpoint.write(outDir, done);
      if (stateFile != null) {
        Files.deleteIfExists(SftCheckpoint.dir(outDir).resolve(stateFile));
      }
      return result(outDir, done, trainSet, heldOut, prepared, resumedFrom);
    }
  }

  private SftResult result(
      Path outDir,
      SftCheckpoint.Progress p,
      List<SftData.Example> train,
      List<SftData.Example> heldOut,
      SftData.Prepared prepared,
      int resumedFrom) {
    SftResult.Epoch last = p.history().isEmpty() ? null : p.history().get(p.history().size() - 1);
    return new SftResult(
        outDir,
        p.epochsDone(),
        last == null ? Double.NaN : last.trainLoss(),
        last == null ? Double.NaN : last.heldOutLoss(),
        p.tokens(),
        p.seconds(),
        train.size(),
        heldOut.size(),
        prepared.truncated(),
        prepared.dropped(),
        resumedFrom,
        p.history());
  }

  /** The mean token loss of the current weights on the held-out examples. */
  private double evaluate(
      TrainingSession session,
      OnnxMl.ModelProto withLoss,
      List<SftData.Example> heldOut,
      boolean positionIds) {
    OnnxMl.ModelProto m = session.withTrainedWeights(withLoss);
    GraphSession.Builder gb = GraphSession.builder().provider(device);
    if (threads > 0) {
      gb.intraOpThreads(threads);
    }
    double sum = 0;
    long count = 0;
    try (GraphSession g = gb.open(m.toByteArray(), "sft-heldout")) {
      for (List<SftData.Example> b : SftData.batches(heldOut, batch, seed)) {
        Map<String, Tensor> in = new java.util.HashMap<>(SftData.tensors(b, positionIds));
        for (Map.Entry<String, GraphSession.Port> e : g.inputs().entrySet()) {
          if (!in.containsKey(e.getKey())) {
            long[] shape = e.getValue().shape().clone();
            if (shape.length != 4) {
              throw new IllegalArgumentException("unexpected model input '" + e.getKey() + "'");
            }
            shape[0] = b.size();
            shape[2] = 0;
            in.put(e.getKey(), Tensor.allocate(Tensor.Type.FLOAT, shape));
          }
        }
        double loss = g.run(in, java.util.Set.of(Losses.LOSS)).get(Losses.LOSS).doubleValue();
        int scored = SftData.scored(b);
        sum += loss * scored;
        count += scored;
      }
    }
    return sum / count;
  }

  private SftCheckpoint.Progress openOutput(Path outDir, JsonObject fingerprint)
      throws IOException {
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new IllegalArgumentException(outDir + " exists and is not a directory");
    }
    SftCheckpoint.Progress p = Files.isDirectory(outDir) ? SftCheckpoint.read(outDir) : null;
    if (p == null) {
      if (Files.isDirectory(outDir)) {
        try (Stream<Path> s = Files.list(outDir)) {
          if (s.findAny().isPresent()) {
            throw new IllegalArgumentException(
                "the output directory "
                    + outDir
                    + " is not empty and holds no checkpoint of a policy training run; choose"
                    + " an empty or new directory");
          }
        }
      }
      Files.createDirectories(outDir);
      SftCheckpoint.write(
          outDir, new SftCheckpoint.Progress(fingerprint, 0, null, List.of(), 0, 0, false));
      return null;
    }
    if (!p.fingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException(
          "the output directory "
              + outDir
              + " holds another training run (other model, data or options: "
              + difference(p.fingerprint(), fingerprint)
              + "); rerun with that run's arguments to resume it, or choose another directory");
    }
    if (p.epochsDone() > 0 && !p.done()) {
      LOG.log(
          System.Logger.Level.INFO,
          "resuming the policy training in {0} after epoch {1}",
          outDir,
          p.epochsDone());
    }
    return p;
  }

  private static String difference(JsonObject was, JsonObject now) {
    List<String> d = new ArrayList<>();
    for (String k : now.keySet()) {
      if (!Objects.equals(was.get(k), now.get(k))) {
        d.add(k + " " + was.get(k) + " -> " + now.get(k));
      }
    }
    return d.isEmpty() ? "unreadable fingerprint" : String.join(", ", d);
  }

  private JsonObject fingerprint(Path sftFile, Path modelFile, int maxLen) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("model_sha256", sha256(modelFile));
    o.addProperty("sft_sha256", sha256(sftFile));
    o.addProperty("epochs", epochs);
    o.addProperty("learning_rate", learningRate);
    o.addProperty("batch", batch);
    o.addProperty("max_length", maxLen);
    o.addProperty("seed", seed);
    o.addProperty("train", mode.name().toLowerCase(Locale.ROOT));
    if (mode == TrainMode.LORA) {
      o.addProperty("lora_rank", loraRank);
      o.addProperty("lora_alpha", loraAlpha);
    }
    o.addProperty("warmup_ratio", warmupRatio);
    o.addProperty("heldout_fraction", heldOutFraction);
    o.addProperty("weight_decay", weightDecay);
    o.addProperty("max_grad_norm", maxGradNorm);
    o.addProperty("template", template.name());
    return o;
  }

  private static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject readConfig(Path modelDir) throws IOException {
    Path f = modelDir.resolve("config.json");
    if (!Files.isRegularFile(f)) {
      return new JsonObject();
    }
    try {
      return SftCheckpoint.parseJson(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(f + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** The end token appended to each response: the export's first eos id, else <|endoftext|>. */
  private static OptionalInt eos(JsonObject config, Path modelDir, Tokenizer tok)
      throws IOException {
    Path gen = modelDir.resolve("generation_config.json");
    List<JsonElement> sources = new ArrayList<>();
    if (Files.isRegularFile(gen)) {
      try {
        JsonObject g = SftCheckpoint.parseJson(Files.readString(gen, StandardCharsets.UTF_8));
        sources.add(g.get("eos_token_id"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(gen + " is not a JSON object: " + e.getMessage(), e);
      }
    }
    sources.add(config.get("eos_token_id"));
    for (JsonElement e : sources) {
      if (e == null || e.isJsonNull()) {
        continue;
      }
      JsonElement first = e.isJsonArray() ? e.getAsJsonArray().get(0) : e;
      int id = first.getAsInt();
      if (id >= 0 && id < tok.vocabSize()) {
        return OptionalInt.of(id);
      }
    }
    return tok.tokenId("<|endoftext|>");
  }

  private static boolean hasInput(OnnxMl.ModelProto m, String name) {
    return m.getGraph().getInputList().stream().anyMatch(i -> i.getName().equals(name));
  }

  private static void requireDecoder(OnnxMl.ModelProto m, Path file) {
    if (!hasInput(m, "input_ids") || !hasInput(m, "attention_mask")) {
      throw new IllegalArgumentException(
          file + " is not a decoder export: it needs the inputs input_ids and attention_mask");
    }
    if (m.getGraph().getOutputList().stream().noneMatch(o -> o.getName().equals("logits"))) {
      throw new IllegalArgumentException(file + " is not a decoder export: no output 'logits'");
    }
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        throw new IllegalArgumentException(
            file
                + " keeps its weights in external data files ('"
                + t.getName()
                + "'); export the model with the weights inside model.onnx (under 2 GB)");
      }
    }
  }

  /** Inputs of the training graph that SFT batches do not fill. */
  private record TensorSpecCheck(String name) {
    static List<TensorSpecCheck> of(TrainingGraph g, boolean positionIds) {
      List<TensorSpecCheck> out = new ArrayList<>();
      for (var s : g.batchInputs()) {
        String n = s.name();
        boolean fed =
            n.equals("input_ids")
                || n.equals("attention_mask")
                || (positionIds && n.equals("position_ids"))
                || n.equals(Losses.LABELS)
                || n.equals(Losses.LABEL_WEIGHTS);
        if (!fed) {
          out.add(new TensorSpecCheck(n));
        }
      }
      return out;
    }
  }

  /**
   * Options of an {@link OnnxPolicyTrainer}; each may be set once ("epochs was already set"), and
   * each setter checks its value.
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int epochs = 2;
    private double learningRate = 7e-6;
    private int batch = 8;
    private int maxLength = 2048;
    private long seed;
    private TrainMode mode = TrainMode.FULL;
    private int loraRank = 8;
    private double loraAlpha = 16;
    private ProviderChoice device = ProviderChoice.AUTO;
    private double warmupRatio = 0.03;
    private double heldOutFraction = 0.05;
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private PromptTemplate template = PromptTemplate.SEARCH;
    private int threads;
    private Path baseModel;

    private Builder() {}

    /**
     * Passes over the training records (default 2, as the reference).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if set before
     */
    public Builder epochs(int n) {
      set.mark("epochs");
      this.epochs = Checks.positive("epochs", n);
      return this;
    }

    /**
     * The peak learning rate (default 7e-6, the reference's).
     *
     * @throws IllegalArgumentException if not positive and finite
     * @throws IllegalStateException if set before
     */
    public Builder learningRate(double lr) {
      set.mark("learning rate");
      this.learningRate = Checks.finitePositive("learning rate", lr);
      return this;
    }

    /**
     * Records per step (default 8).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if set before
     */
    public Builder batchSize(int n) {
      set.mark("batch size");
      this.batch = Checks.positive("batch size", n);
      return this;
    }

    /**
     * The most tokens of a record, prompt included (default 2048, the reference's; never more than
     * the model's context): longer records are cut from the right and counted.
     *
     * @throws IllegalArgumentException if below 2
     * @throws IllegalStateException if set before
     */
    public Builder maxLength(int n) {
      set.mark("max length");
      this.maxLength = Checks.atLeast("max length", n, 2);
      return this;
    }

    /**
     * The seed of the held-out split, the batch order and LoRA's initialisation (default 0).
     *
     * @throws IllegalStateException if set before
     */
    public Builder seed(long s) {
      set.mark("seed");
      this.seed = s;
      return this;
    }

    /**
     * What to train (default {@link TrainMode#FULL}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if set before
     */
    public Builder mode(TrainMode m) {
      set.mark("train mode");
      this.mode = Objects.requireNonNull(m, "mode");
      return this;
    }

    /**
     * LoRA's rank and alpha (default 8 and 16; the adapters' output is scaled by alpha / rank).
     *
     * @throws IllegalArgumentException if the rank is below 1 or alpha not positive
     * @throws IllegalStateException if set before
     */
    public Builder lora(int rank, double alpha) {
      set.mark("LoRA rank");
      this.loraRank = Checks.positive("LoRA rank", rank);
      this.loraAlpha = Checks.finitePositive("LoRA alpha", alpha);
      return this;
    }

    /**
     * Where to train (default {@link ProviderChoice#AUTO}: CUDA when usable, else the CPU).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if set before
     */
    public Builder device(ProviderChoice d) {
      set.mark("device");
      this.device = Objects.requireNonNull(d, "device");
      return this;
    }

    /**
     * The share of all steps over which the learning rate warms up linearly (default 0.03); a
     * cosine decay to 0 follows.
     *
     * @throws IllegalArgumentException if outside [0, 1)
     * @throws IllegalStateException if set before
     */
    public Builder warmupRatio(double r) {
      set.mark("warm-up ratio");
      this.warmupRatio = Checks.inHalfOpenRange("warm-up ratio", r, 0, 1);
      return this;
    }

    /**
     * The share of records held out for the per-epoch held-out loss (default 0.05; at least one
     * record when positive and there are two or more).
     *
     * @throws IllegalArgumentException if outside [0, 1)
     * @throws IllegalStateException if set before
     */
    public Builder heldOutFraction(double f) {
      set.mark("held-out fraction");
      this.heldOutFraction = Checks.inHalfOpenRange("held-out fraction", f, 0, 1);
      return this;
    }

    /**
     * AdamW's decoupled weight decay on matrices (default 0, Hugging Face's Trainer's).
     *
     * @throws IllegalArgumentException if negative or not finite
     * @throws IllegalStateException if set before
     */
    public Builder weightDecay(double wd) {
      set.mark("weight decay");
      this.weightDecay = Checks.finiteNonNegative("weight decay", wd);
      return this;
    }

    /**
     * The global gradient-norm clip (default 1.0).
     *
     * @throws IllegalArgumentException if not positive and finite
     * @throws IllegalStateException if set before
     */
    public Builder maxGradNorm(double n) {
      set.mark("max grad norm");
      this.maxGradNorm = Checks.finitePositive("max grad norm", n);
      return this;
    }

    /**
     * How a record's query becomes the prompt (default {@link PromptTemplate#SEARCH}, the one the
     * search prompts the policy with, so that the trained model continues the search's prompts as
     * it was trained; {@link PromptTemplate#TRAINING} is the reference's training data layout).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if set before
     */
    public Builder template(PromptTemplate t) {
      set.mark("template");
      this.template = Objects.requireNonNull(t, "template");
      return this;
    }

    /**
     * ONNX Runtime's intra-op threads (0, the default, lets it choose).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if set before
     */
    public Builder intraOpThreads(int n) {
      set.mark("intra-op threads");
      this.threads = Checks.atLeast("intra-op threads", n, 0);
      return this;
    }

    /**
     * The export each self-evolution round fine-tunes from (needed to use the trainer as a {@link
     * PolicyTrainer}).
     *
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if it holds no model.onnx
     * @throws IllegalStateException if set before
     */
    public Builder baseModel(Path dir) {
      set.mark("base model");
      Objects.requireNonNull(dir, "dir");
      if (!Files.isRegularFile(dir.resolve("model.onnx"))) {
        throw new IllegalArgumentException("no model.onnx in the base model directory " + dir);
      }
      this.baseModel = dir;
      return this;
    }

    /** The trainer. */
    public OnnxPolicyTrainer build() {
      return new OnnxPolicyTrainer(this);
    }
  }
}
