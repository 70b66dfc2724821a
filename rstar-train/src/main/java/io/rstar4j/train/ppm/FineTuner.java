package io.rstar4j.train.ppm;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.train.autodiff.Losses;
import io.rstar4j.train.autodiff.TensorSpec;
import io.rstar4j.train.autodiff.TrainingGraph;
import io.rstar4j.train.autodiff.TrainingGraphBuilder;
import io.rstar4j.train.autodiff.TrainingSession;
import io.rstar4j.train.data.PreferencePair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Full and LoRA fine-tuning of a PPM (backbone and head together) through the autodiff training
 * graph; see {@link PpmTrainer#fineTune}.
 */
final class FineTuner {
  private static final System.Logger LOG = System.getLogger(FineTuner.class.getName());
  private static final String MAGIC = "rstar4j-ppm-finetune-1";
  static final String CHECKPOINT = "checkpoint.bin";
  private static final Pattern UNUSED =
      Pattern.compile("trainable initializer '(.*)' does not affect the loss");

  private final Path backboneDir;
  private final Path modelFile;
  private final Path tokenizerFile;
  private final Tokenizer tokenizer;
  private final BackboneSettings settings;
  private final TrainingConfig config;
  private final FineTuning tuning;
  private final TrainingConfig splitConfig;

  OnnxMl.ModelProto forward; // hidden states only, original weights
  final List<PpmGraphs.Adapter> adapters = new ArrayList<>();
  OnnxMl.ModelProto withLoss; // scoring graph and loss, before the optimiser (for checks)
  final List<String> trainable = new ArrayList<>();
  TrainingGraph graph;
  private int hidden;
  private int[] prefix;
  private int[] suffix;
  private int padId;
  private long truncated;

  FineTuner(
      Path backboneDir,
      Function<Path, Tokenizer> tokenizers,
      BackboneSettings settings,
      TrainingConfig config,
      FineTuning tuning)
      throws IOException {
    this.backboneDir = backboneDir;
    this.modelFile = ProcessPreferenceModel.findOne(backboneDir, "model.onnx", ".onnx", null);
    this.tokenizerFile =
        ProcessPreferenceModel.findOne(backboneDir, "tokenizer.json", ".json", "tokenizer");
    this.tokenizer = tokenizers.apply(tokenizerFile);
    this.settings = settings;
    this.config = config;
    this.tuning = tuning;
    this.splitConfig = config;
  }

  /** Builds the training graph: every check that can fail does so here, before any epoch. */
  void prepare() throws IOException {
    OnnxMl.ModelProto model;
    try (InputStream in = Files.newInputStream(modelFile)) {
      model = OnnxMl.ModelProto.parseFrom(in);
    }
    forward = PpmGraphs.hiddenOnly(modelFile, model, settings.hiddenOutput());
    hidden = PpmGraphs.hiddenSize(forward);
    if (hidden < 1) {
      throw new IllegalArgumentException(
          modelFile + ": the hidden size of " + PpmGraphs.HIDDEN + " is not fixed in the graph");
    }
    Set<String> inputs = new LinkedHashSet<>();
    for (OnnxMl.ValueInfoProto i : forward.getGraph().getInputList()) {
      inputs.add(i.getName());
    }
    setUpTokens(inputs);
    OnnxMl.ModelProto body = forward;
    trainable.clear();
    adapters.clear();
    if (tuning.mode() == TrainMode.LORA) {
      body =
          PpmGraphs.withAdapters(forward, tuning.loraRank(), tuning.loraAlpha(), seed(), adapters);
      for (PpmGraphs.Adapter a : adapters) {
        trainable.add(a.a());
        trainable.add(a.b());
      }
    } else {
      trainable.addAll(PpmGraphs.backboneParameters(forward));
    }
    trainable.add(PpmGraphs.HEAD_WEIGHT);
    trainable.add(PpmGraphs.HEAD_BIAS);
    withLoss =
        Losses.pairwisePreference(
            PpmGraphs.scoring(body, hidden, ValueHead.zeros(hidden)), PpmGraphs.SCORES);
    boolean past = inputs.stream().anyMatch(n -> n.startsWith("past_key_values."));
    for (int attempt = 0; ; attempt++) {
      List<String> noDecay = new ArrayList<>();
      Map<String, OnnxMl.TensorProto> inits = PpmGraphs.initializers(withLoss.getGraph());
      for (String n : trainable) {
        if (inits.get(n).getDimsCount() <= 1) {
          noDecay.add(n); // biases and norm scales, as the usual AdamW grouping
        }
      }
      TrainingGraphBuilder b =
          TrainingGraphBuilder.forModel(withLoss)
              .trainable(trainable)
              .loss(Losses.LOSS)
              .adamW(config.beta1(), config.beta2(), config.epsilon())
              .noWeightDecay(noDecay)
              .keepOutputs(PpmGraphs.SCORES);
      if (past) {
        b.withoutPastKeyValues();
      }
      try {
        graph = b.build();
        return;
      } catch (IllegalArgumentException e) {
        Matcher m = UNUSED.matcher(String.valueOf(e.getMessage()));
        if (m.find() && attempt < 1000 && tuning.mode() == TrainMode.FULL) {
          trainable.remove(m.group(1)); // a float constant off the differentiable path
          continue;
        }
        throw new BackboneNotTrainableException(
            modelFile
                + ": cannot fine-tune the backbone (--train "
                + tuning.mode().label()
                + "): "
                + e.getMessage()
                + "; use --train head (TrainMode.HEAD) to train the value head alone",
            false,
            e);
      }
    }
  }

  private long seed() {
    return config.seed() * 7919L + 17;
  }

  private void setUpTokens(Set<String> inputs) {
    boolean bertLike =
        inputs.contains("token_type_ids")
            && tokenizer.tokenId("[CLS]").isPresent()
            && tokenizer.tokenId("[SEP]").isPresent();
    prefix =
        ids(
            settings.prefixTokens() != null
                ? settings.prefixTokens()
                : bertLike ? List.of("[CLS]") : List.of());
    suffix =
        ids(
            settings.suffixTokens() != null
                ? settings.suffixTokens()
                : bertLike ? List.of("[SEP]") : List.of());
    if (settings.padToken() != null) {
      padId = ids(List.of(settings.padToken()))[0];
    } else {
      padId = 0;
      for (String p : List.of("[PAD]", "<|endoftext|>", "<pad>")) {
        OptionalInt id = tokenizer.tokenId(p);
        if (id.isPresent()) {
          padId = id.getAsInt();
          break;
        }
      }
    }
    if (settings.contextLength() <= prefix.length + suffix.length) {
      throw new IllegalArgumentException(
          "context length "
              + settings.contextLength()
              + " leaves no room for text after the special tokens");
    }
  }

  private int[] ids(List<String> tokens) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      OptionalInt id = tokenizer.tokenId(tokens.get(i));
      if (id.isEmpty()) {
        throw new IllegalArgumentException(
            "special token " + tokens.get(i) + " is not in the vocabulary");
      }
      out[i] = id.getAsInt();
    }
    return out;
  }

  /** As {@link OnnxBackbone}: special tokens around the text, cut from the left, counted. */
  int[] tokenize(String text) {
    int[] body = tokenizer.encode(text);
    int room = settings.contextLength() - prefix.length - suffix.length;
    int from = 0;
    if (body.length > room) {
      from = body.length - room;
      truncated++;
    }
    int n = body.length - from;
    int[] ids = new int[prefix.length + n + suffix.length];
    System.arraycopy(prefix, 0, ids, 0, prefix.length);
    System.arraycopy(body, from, ids, prefix.length, n);
    System.arraycopy(suffix, 0, ids, prefix.length + n, suffix.length);
    return ids;
  }

  TrainingResult train(List<PreferencePair> pairs, Path out, TrainingListener listener)
      throws IOException {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no preference pairs to train on");
    }
    prepare(); // the backbone's errors first: a caller may fall back to the head alone
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target) && !isEmptyDir(target)) {
      throw new IllegalArgumentException(
          target
              + " already exists and is not empty (a finished PPM or another run's output):"
              + " choose another output directory or remove it");
    }
    Path partial = partialDir(target);
    TrainingListener progress = listener == null ? TrainingListener.none() : listener;
    List<List<Integer>> split = PpmTrainer.split(pairs, splitConfig);
    List<Integer> train = split.get(0);
    List<Integer> heldOut = split.get(1);
    Map<String, int[]> ids = new HashMap<>();
    for (PreferencePair p : pairs) {
      ids.computeIfAbsent(p.prompt() + p.pos(), this::tokenize);
      ids.computeIfAbsent(p.prompt() + p.neg(), this::tokenize);
    }
    long fingerprint = fingerprint(pairs);
    Path ckpt = partial.resolve(CHECKPOINT);
    Checkpointed resumed = null;
    if (Files.exists(ckpt)) {
      if (!config.resume()) {
        deleteTree(partial);
      } else {
        resumed = Checkpointed.load(ckpt);
        if (resumed.fingerprint != fingerprint) {
          throw new IllegalArgumentException(
              partial
                  + " holds another run (other pairs, settings or backbone); remove it, start"
                  + " afresh (--fresh) or choose another output directory");
        }
      }
    }
    long stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    long totalSteps = stepsPerEpoch * config.epochs();
    List<EpochReport> reports = new ArrayList<>();
    List<EpochReport> all = new ArrayList<>();
    try (TrainingSession session =
        TrainingSession.builder(graph)
            .weightDecay(config.weightDecay())
            .provider(Devices.provider(config.device()))
            .build()) {
      int startEpoch = 1;
      if (resumed == null) {
        initialiseHead(session);
      } else {
        session.restore(resumed.state);
        startEpoch = resumed.epoch + 1;
        all.addAll(resumed.reports);
        LOG.log(System.Logger.Level.INFO, "resuming PPM fine-tuning after epoch " + resumed.epoch);
      }
      progress.onStart(totalSteps, session.steps(), train.size(), heldOut.size());
      for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
        List<Integer> order = new ArrayList<>(train);
        Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
        Random dropout = new Random(config.seed() * 31L + epoch);
        double lossSum = 0;
        double weightSum = 0;
        long correct = 0;
        long seen = 0;
        for (int start = 0; start < order.size(); start += config.batchSize()) {
          List<Integer> batch =
              order.subList(start, Math.min(order.size(), start + config.batchSize()));
          Map<String, Tensor> feeds = trainingFeeds(pairs, batch, ids, dropout);
          TrainingSession.StepResult r = session.step(feeds, config.learningRate());
          float[] s = r.outputs().get(PpmGraphs.SCORES);
          int p = batch.size();
          for (int i = 0; i < p; i++) {
            weightSum += pairs.get(batch.get(i)).lossWeight();
            if (s[i] > s[p + i]) {
              correct++;
            }
          }
          lossSum += r.loss();
          seen += p;
          progress.onStep(
              epoch, session.steps(), totalSteps, lossSum / weightSum, (double) correct / seen);
        }
        double[] held = {Double.NaN, Double.NaN};
        if (!heldOut.isEmpty()) {
          held = evaluate(session, pairs, heldOut, ids);
        }
        EpochReport report =
            new EpochReport(
                epoch,
                session.steps(),
                lossSum / weightSum,
                (double) correct / seen,
                held[0],
                held[1]);
        reports.add(report);
        all.add(report);
        new Checkpointed(fingerprint, epoch, all, session.state()).save(partial);
        progress.onEpoch(report);
      }
      ValueHead head = head(session.state().parameters());
      writePpm(session, head, partial, target);
      deleteTree(partial);
      EpochReport last = all.isEmpty() ? null : all.get(all.size() - 1);
      return new TrainingResult(
          head,
          reports,
          last == null ? 0 : last.epoch(),
          last == null ? Double.NaN : last.heldOutAccuracy(),
          train.size(),
          heldOut.size(),
          truncated,
          false,
          resumed == null ? 0 : resumed.epoch,
          0,
          0);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
      throw new IllegalStateException("training step failed: " + e.getMessage(), e);
    }
  }

  /** The reference's head initialisation: weights N(5e-7, 1e-6), bias 1e-6. */
  private void initialiseHead(TrainingSession session) {
    TrainingSession.State s = session.state();
    Map<String, float[]> p = new LinkedHashMap<>(s.parameters());
    Random r = new Random(seed() + 1);
    float[] w = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      w[i] = (float) (5e-7 + 1e-6 * r.nextGaussian());
    }
    p.put(PpmGraphs.HEAD_WEIGHT, w);
    p.put(PpmGraphs.HEAD_BIAS, new float[] {1e-6f});
    session.restore(new TrainingSession.State(0, p, s.moment1(), s.moment2()));
  }

  private ValueHead head(Map<String, float[]> params) {
    return ValueHead.of(params.get(PpmGraphs.HEAD_WEIGHT), params.get(PpmGraphs.HEAD_BIAS)[0]);
  }

  /** The backbone weights to save: the trained ones, or the base with the adapters folded in. */
  private Map<String, float[]> backboneValues(Map<String, float[]> params) {
    if (tuning.mode() == TrainMode.LORA) {
      return PpmGraphs.folded(forward, adapters, params);
    }
    return params;
  }

  byte[] mergedModel(Map<String, float[]> params) {
    return PpmGraphs.merged(forward, backboneValues(params), head(params)).toByteArray();
  }

  private double[] evaluate(
      TrainingSession session,
      List<PreferencePair> pairs,
      List<Integer> idx,
      Map<String, int[]> ids)
      throws IOException {
    Map<String, float[]> params = session.state().parameters();
    try (GraphSession eval =
        GraphSession.builder()
            .provider(Devices.provider(config.device()))
            .open(mergedModel(params), "ppm-eval")) {
      double loss = 0;
      double weights = 0;
      long correct = 0;
      for (int start = 0; start < idx.size(); start += config.batchSize()) {
        List<Integer> batch = idx.subList(start, Math.min(idx.size(), start + config.batchSize()));
        List<int[]> rows = rows(pairs, batch, ids);
        float[] s = scores(eval, rows);
        int p = batch.size();
        for (int i = 0; i < p; i++) {
          double w = pairs.get(batch.get(i)).lossWeight();
          double d = s[i] - s[p + i];
          loss += w * (Math.max(-d, 0) + Math.log1p(Math.exp(-Math.abs(d))));
          weights += w;
          if (d > 0) {
            correct++;
          }
        }
      }
      return new double[] {loss / weights, (double) correct / idx.size()};
    }
  }

  /** Raw scores of rows through a merged model's {@code values} at each row's last token. */
  static float[] scores(GraphSession s, List<int[]> rows) {
    int b = rows.size();
    int len = rows.stream().mapToInt(r -> r.length).max().orElse(1);
    Map<String, Tensor> in = new HashMap<>();
    Batch batch = Batch.of(rows, len, 0);
    for (Map.Entry<String, GraphSession.Port> e : s.inputs().entrySet()) {
      boolean int32 = e.getValue().type() == Tensor.Type.INT32;
      Tensor t = batch.tensor(e.getKey(), int32);
      if (t == null) {
        long[] shape = e.getValue().shape();
        shape[0] = b;
        shape[2] = 0;
        t = Tensor.of(new float[0], shape);
      }
      in.put(e.getKey(), t);
    }
    Tensor v = s.run(in, Set.of(PpmGraphs.VALUES)).get(PpmGraphs.VALUES);
    float[] all = v.toFloatArray();
    float[] out = new float[b];
    for (int i = 0; i < b; i++) {
      out[i] = all[i * len + rows.get(i).length - 1];
    }
    return out;
  }

  List<int[]> rows(List<PreferencePair> pairs, List<Integer> batch, Map<String, int[]> ids) {
    List<int[]> rows = new ArrayList<>(2 * batch.size());
    for (int i : batch) {
      PreferencePair p = pairs.get(i);
      rows.add(ids.get(p.prompt() + p.pos()));
    }
    for (int i : batch) {
      PreferencePair p = pairs.get(i);
      rows.add(ids.get(p.prompt() + p.neg()));
    }
    return rows;
  }

  Map<String, Tensor> trainingFeeds(
      List<PreferencePair> pairs, List<Integer> batch, Map<String, int[]> ids, Random dropout) {
    List<int[]> rows = rows(pairs, batch, ids);
    int len = rows.stream().mapToInt(r -> r.length).max().orElse(1);
    Batch b = Batch.of(rows, len, padId);
    Map<String, Tensor> feeds = new HashMap<>();
    for (TensorSpec spec : graph.batchInputs()) {
      String n = spec.name();
      Tensor t;
      if (n.equals(PpmGraphs.GATHER_INDEX)) {
        long[] g = new long[rows.size()];
        for (int i = 0; i < g.length; i++) {
          g[i] = (long) i * len + rows.get(i).length - 1;
        }
        t = Tensor.of(g, g.length);
      } else if (n.equals(PpmGraphs.DROPOUT_MASK)) {
        float[] m = new float[rows.size() * hidden];
        double p = tuning.headDropout();
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < m.length; i++) {
          m[i] = p > 0 && dropout.nextDouble() < p ? 0f : keep;
        }
        t = Tensor.of(m, rows.size(), hidden);
      } else if (n.equals(Losses.PAIR_WEIGHTS)) {
        float[] w = new float[batch.size()];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) pairs.get(batch.get(i)).lossWeight();
        }
        t = Tensor.of(w, w.length);
      } else {
        t = b.tensor(n, spec.type() == ElementType.INT32);
        if (t == null) {
          throw new IllegalArgumentException(
              modelFile
                  + ": backbone input '"
                  + n
                  + "' is not supported (known: input_ids, attention_mask, token_type_ids,"
                  + " position_ids, past_key_values.N.key|value)");
        }
      }
      feeds.put(n, t);
    }
    return feeds;
  }

  /** Right-padded token rows as the backbone's integer inputs. */
  private record Batch(long[] ids, long[] mask, long[] positions, long[] types, long[] shape) {
    static Batch of(List<int[]> rows, int len, int pad) {
      int b = rows.size();
      long[] ids = new long[b * len];
      long[] mask = new long[b * len];
      long[] pos = new long[b * len];
      java.util.Arrays.fill(ids, pad);
      for (int i = 0; i < b; i++) {
        int[] r = rows.get(i);
        for (int j = 0; j < r.length; j++) {
          ids[i * len + j] = r[j];
          mask[i * len + j] = 1;
          pos[i * len + j] = j;
        }
      }
      return new Batch(ids, mask, pos, new long[b * len], new long[] {b, len});
    }

    Tensor tensor(String name, boolean int32) {
      long[] v =
          switch (name) {
            case "input_ids" -> ids;
            case "attention_mask" -> mask;
            case "position_ids" -> positions;
            case "token_type_ids" -> types;
            default -> null;
          };
      if (v == null) {
        return null;
      }
      if (int32) {
        int[] x = new int[v.length];
        for (int i = 0; i < x.length; i++) {
          x[i] = (int) v[i];
        }
        return Tensor.of(x, shape);
      }
      return Tensor.of(v, shape);
    }
  }

  /** Writes the PPM into a staging directory beside the target, then moves it in place. */
  private void writePpm(TrainingSession session, ValueHead head, Path partial, Path target)
      throws IOException {
    Path stage = partial.resolve("ppm");
    if (Files.exists(stage)) {
      deleteTree(stage);
    }
    Files.createDirectories(stage);
    Files.write(stage.resolve("model.onnx"), mergedModel(session.state().parameters()));
    Files.copy(tokenizerFile, stage.resolve("tokenizer.json"));
    for (String extra :
        List.of("config.json", "tokenizer_config.json", "special_tokens_map.json")) {
      Path f = backboneDir.resolve(extra);
      if (Files.isRegularFile(f)) {
        Files.copy(f, stage.resolve(extra));
      }
    }
    head.save(stage.resolve(ValueHead.FILE_NAME));
    BackboneSettings saved =
        new BackboneSettings(
            settings.contextLength(),
            settings.batchSize(),
            settings.prefixTokens(),
            settings.suffixTokens(),
            settings.padToken(),
            PpmGraphs.HIDDEN,
            settings.device());
    JsonObject o = new JsonObject();
    o.add("backbone_settings", saved.toJson());
    o.addProperty("head", ValueHead.FILE_NAME);
    o.addProperty("template", "training");
    o.addProperty("score", "tanh(r/5)");
    o.addProperty("train", tuning.mode().label());
    if (tuning.mode() == TrainMode.LORA) {
      o.addProperty("lora_rank", tuning.loraRank());
      o.addProperty("lora_alpha", tuning.loraAlpha());
    }
    o.addProperty("trained_from", backboneDir.toAbsolutePath().normalize().toString());
    Files.writeString(
        stage.resolve(ProcessPreferenceModel.SETTINGS_FILE), o.toString(), StandardCharsets.UTF_8);
    if (Files.exists(target)) {
      Files.delete(target); // an empty directory (checked at the start)
    }
    Files.createDirectories(target.getParent());
    Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
  }

  static Path partialDir(Path target) {
    return target.resolveSibling(target.getFileName() + ".partial");
  }

  private static boolean isEmptyDir(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private long fingerprint(List<PreferencePair> pairs) throws IOException {
    long x = 1125899906842597L;
    for (PreferencePair p : pairs) {
      x = 31 * x + p.prompt().hashCode();
      x = 31 * x + p.pos().hashCode();
      x = 31 * x + p.neg().hashCode();
      x = 31 * x + p.posCount() * 7919L + p.negCount();
    }
    x = 31 * x + Files.size(modelFile);
    x = 31 * x + hidden;
    x = 31 * x + tuning.hashCode();
    x = 31 * x + settings.contextLength();
    x = 31 * x + Long.hashCode(config.seed());
    x = 31 * x + Double.hashCode(config.heldOutFraction());
    x = 31 * x + Double.hashCode(config.learningRate());
    x = 31 * x + config.batchSize();
    return x;
  }

  /** The state after an epoch: one file, written to a temporary name and renamed. */
  record Checkpointed(
      long fingerprint, int epoch, List<EpochReport> reports, TrainingSession.State state) {

    void save(Path dir) throws IOException {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, CHECKPOINT, ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
        JsonObject h = new JsonObject();
        h.addProperty("magic", MAGIC);
        h.addProperty("fingerprint", fingerprint);
        h.addProperty("epoch", epoch);
        h.addProperty("steps", state.steps());
        JsonArray rs = new JsonArray();
        for (EpochReport r : reports) {
          JsonObject o = new JsonObject();
          o.addProperty("epoch", r.epoch());
          o.addProperty("step", r.steps());
          o.addProperty("train_loss", r.trainLoss());
          o.addProperty("train_accuracy", r.trainAccuracy());
          o.addProperty("held_out_loss", String.valueOf(r.heldOutLoss()));
          o.addProperty("held_out_accuracy", String.valueOf(r.heldOutAccuracy()));
          rs.add(o);
        }
        h.add("reports", rs);
        JsonArray names = new JsonArray();
        state.parameters().keySet().forEach(names::add);
        h.add("parameters", names);
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(header.length);
        out.write(header);
        for (String n : state.parameters().keySet()) {
          for (float[] a :
              List.of(state.parameters().get(n), state.moment1().get(n), state.moment2().get(n))) {
            out.writeInt(a.length);
            for (float f : a) {
              out.writeFloat(f);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(
          tmp,
          dir.resolve(CHECKPOINT),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }

    static Checkpointed load(Path file) throws IOException {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        byte[] header = new byte[in.readInt()];
        in.readFully(header);
        JsonObject h =
            JsonParser.parseString(new String(header, StandardCharsets.UTF_8)).getAsJsonObject();
        if (!MAGIC.equals(h.get("magic").getAsString())) {
          throw new IllegalArgumentException(file + ": not a PPM fine-tuning checkpoint");
        }
        List<EpochReport> reports = new ArrayList<>();
        for (var e : h.getAsJsonArray("reports")) {
          JsonObject o = e.getAsJsonObject();
          reports.add(
              new EpochReport(
                  o.get("epoch").getAsInt(),
                  o.get("step").getAsLong(),
                  o.get("train_loss").getAsDouble(),
                  o.get("train_accuracy").getAsDouble(),
                  Double.parseDouble(o.get("held_out_loss").getAsString()),
                  Double.parseDouble(o.get("held_out_accuracy").getAsString())));
        }
        Map<String, float[]> p = new LinkedHashMap<>();
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        for (var e : h.getAsJsonArray("parameters")) {
          String n = e.getAsString();
          for (Map<String, float[]> target : List.of(p, m, v)) {
            float[] a = new float[in.readInt()];
            for (int i = 0; i < a.length; i++) {
              a[i] = in.readFloat();
            }
            target.put(n, a);
          }
        }
        return new Checkpointed(
            h.get("fingerprint").getAsLong(),
            h.get("epoch").getAsInt(),
            reports,
            new TrainingSession.State(h.get("steps").getAsLong(), p, m, v));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            file + ": unreadable checkpoint (" + e.getMessage() + "); remove it or use --fresh", e);
      }
    }
  }
}
