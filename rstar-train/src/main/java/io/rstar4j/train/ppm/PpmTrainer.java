package io.rstar4j.train.ppm;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.train.data.PreferencePair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Fine-tunes the PPM's value head on frozen backbone features with the reference's pairwise loss
 * {@code -log sigmoid(r_pos - r_neg) / (pos_count * neg_count)}, summed over each mini-batch, and
 * AdamW, by running training-step graphs in plain ONNX Runtime sessions (no ONNX Runtime training
 * build needed).
 *
 * <p>Pairs are split by question (the prompt head) into training and held-out sets; each epoch
 * shuffles the training pairs, steps through mini-batches, then measures the held-out loss and
 * pairwise accuracy. The best epoch's head is kept; training stops early after {@link
 * TrainingConfig#patience()} epochs without improvement. With a checkpoint directory, the state is
 * saved after every epoch and a later run resumes from it.
 */
public final class PpmTrainer {
  private static final System.Logger LOG = System.getLogger(PpmTrainer.class.getName());

  private final Backbone backbone;
  private final TrainingConfig config;

  /**
   * A trainer for heads on this backbone.
   *
   * @throws IllegalStateException when ONNX Runtime (which runs the training step) is not on the
   *     class path; the message names the artifacts to add
   */
  public PpmTrainer(Backbone backbone, TrainingConfig config) {
    OnnxRuntimeCheck.require("PpmTrainer");
    this.backbone = Objects.requireNonNull(backbone, "backbone");
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Fine-tunes backbone and head together ({@link TrainMode#FULL}, the reference's way) or LoRA
   * adapters and the head ({@link TrainMode#LORA}) with the reference's pairwise loss, summed over
   * each mini-batch of {@code config.batchSize()} pairs and weighted {@code 1 / (pos_count *
   * neg_count)}, AdamW at {@code config.learningRate()} (the reference's 7e-6 for full), the head
   * {@code Dropout(p) -> Linear(hidden, 1)} initialised as the reference's (N(5e-7, 1e-6), bias
   * 1e-6), on the last non-pad token's hidden state. The backbone directory is an encoder or a
   * decoder export ({@code model.onnx}, {@code tokenizer.json}): a feature-extraction export with
   * {@code last_hidden_state}, or a causal LM (a {@code make-tiny-model} output, an Optimum export,
   * the SFT policy), whose hidden state is the input of its {@code logits} projection.
   *
   * <p>Every epoch runs in full ({@link TrainingConfig#patience()} does not apply) and the last
   * epoch's weights are saved, as the reference does. After each epoch the whole state (weights and
   * AdamW moments) is checkpointed to {@code <out>.partial/checkpoint.bin}; a later call with the
   * same pairs and settings resumes after the last finished epoch ({@code config.resume()}, else
   * the checkpoint is discarded). At the end the PPM directory is assembled beside {@code out} and
   * moved into place in one rename: {@code model.onnx} (backbone, adapters folded in, and head in
   * one graph, outputs {@code last_hidden_state} and {@code values}), {@code tokenizer.json},
   * {@code value_head.json} and {@code ppm.json}, which {@link ProcessPreferenceModel#load} and
   * {@code rstar score} read as they read any PPM directory.
   *
   * <p>Protobuf limits one model file to 2 GiB: backbones with external data are refused.
   *
   * @param backboneDir the backbone export
   * @param tokenizers loads its {@code tokenizer.json}
   * @param settings context length (texts are cut from the left beyond it and counted), batch size
   *     of evaluation, special tokens, device
   * @param config epochs, batch size, learning rate, AdamW, held-out split, seed, resume, device
   * @param tuning the mode, LoRA rank and head dropout
   * @param pairs the preference pairs, at least one
   * @param out the PPM directory to write; must not exist (or be empty)
   * @param listener progress, or null
   * @return the epochs' reports and the trained head
   * @throws BackboneNotTrainableException before any epoch when the backbone is quantized, has a
   *     non-float32 weight or an operator without a gradient rule (the message says to train the
   *     head alone)
   * @throws IllegalArgumentException when there are no pairs, {@code out} holds files, the
   *     checkpoint belongs to another run, or the model's inputs or outputs are not understood
   * @throws IOException when a file cannot be read or written
   * @throws IllegalStateException when ONNX Runtime is missing or fails
   */
  public static TrainingResult fineTune(
      Path backboneDir,
      java.util.function.Function<Path, io.rstar4j.core.tokenizer.Tokenizer> tokenizers,
      BackboneSettings settings,
      TrainingConfig config,
      FineTuning tuning,
      List<PreferencePair> pairs,
      Path out,
      TrainingListener listener)
      throws IOException {
    OnnxRuntimeCheck.require("PpmTrainer");
    Objects.requireNonNull(tuning, "tuning");
    return new FineTuner(backboneDir, tokenizers, settings, config, tuning)
        .train(pairs, out, listener);
  }

  /**
   * Trains a head from zeros (or resumes from {@code checkpointDir}).
   *
   * @param pairs the preference pairs, at least one
   * @param checkpointDir where checkpoints go, or null for none
   * @param listener progress
   * @throws IllegalArgumentException when there are no pairs, or the checkpoint belongs to other
   *     data or another backbone
   */
  public TrainingResult train(
      List<PreferencePair> pairs, Path checkpointDir, TrainingListener listener) {
    return train(pairs, ValueHead.zeros(backbone.hiddenSize()), checkpointDir, listener);
  }

  /**
   * Trains from the given initial head.
   *
   * @see #train(List, Path, TrainingListener)
   */
  public TrainingResult train(
      List<PreferencePair> pairs,
      ValueHead initial,
      Path checkpointDir,
      TrainingListener listener) {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("no preference pairs to train on");
    }
    if (initial.hiddenSize() != backbone.hiddenSize()) {
      throw new IllegalArgumentException(
          "hidden size mismatch: the value head takes "
              + initial.hiddenSize()
              + " inputs but the backbone's hidden states have "
              + backbone.hiddenSize());
    }
    int h = backbone.hiddenSize();
    TrainingListener progress = listener == null ? TrainingListener.none() : listener;
    List<List<Integer>> split = split(pairs);
    List<Integer> train = split.get(0);
    List<Integer> heldOut = split.get(1);
    long fingerprint = fingerprint(pairs, h);
    FeatureCache cache = new FeatureCache(backbone, config.cacheFeatures() ? Integer.MAX_VALUE : 0);
    if (config.cacheFeatures()) {
      java.util.LinkedHashSet<String> unique = new java.util.LinkedHashSet<>();
      for (PreferencePair p : pairs) {
        unique.add(p.prompt() + p.pos());
        unique.add(p.prompt() + p.neg());
      }
      List<String> all = new ArrayList<>(unique);
      int chunk = 256;
      for (int start = 0; start < all.size(); start += chunk) {
        cache.features(all.subList(start, Math.min(all.size(), start + chunk)));
        progress.onFeatures(Math.min(all.size(), start + chunk), all.size());
      }
    }
    long stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    long totalSteps = stepsPerEpoch * config.epochs();

    Checkpoint resumed = null;
    if (checkpointDir != null && config.resume()) {
      Path file = checkpointDir.resolve(Checkpoint.FILE_NAME);
      if (Files.exists(file)) {
        try {
          resumed = Checkpoint.load(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (resumed.fingerprint() != fingerprint || resumed.w().length != h) {
          throw new IllegalArgumentException(
              file
                  + " was made for other pairs, settings or"
                  + " another backbone; remove it or use another output directory");
        }
      }
    }
    List<EpochReport> reports = new ArrayList<>();
    try (HeadOptimizer opt =
        new HeadOptimizer(
            Devices.provider(config.device()),
            initial.weight(),
            config.beta1(),
            config.beta2(),
            config.epsilon(),
            config.weightDecay())) {
      int startEpoch = 1;
      float[] bestW = initial.weight();
      int bestEpoch = 0;
      double bestLoss = Double.POSITIVE_INFINITY;
      double bestAcc = Double.NaN;
      int bad = 0;
      if (resumed != null) {
        opt.w = resumed.w();
        opt.m = resumed.m();
        opt.v = resumed.v();
        opt.t = resumed.step();
        startEpoch = resumed.epoch() + 1;
        bestW = resumed.bestW();
        bestEpoch = resumed.bestEpoch();
        bestLoss = resumed.bestLoss();
        bestAcc = resumed.bestAccuracy();
        bad = resumed.badEpochs();
        LOG.log(System.Logger.Level.INFO, "resuming PPM training after epoch " + resumed.epoch());
      }
      progress.onStart(totalSteps, opt.t, train.size(), heldOut.size());
      boolean stopped = resumed != null && bad >= config.patience();
      float[] xp = new float[config.batchSize() * h];
      float[] xn = new float[config.batchSize() * h];
      float[] wt = new float[config.batchSize()];
      for (int epoch = startEpoch; epoch <= config.epochs() && !stopped; epoch++) {
        List<Integer> order = new ArrayList<>(train);
        Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
        double lossSum = 0;
        double weightSum = 0;
        long correct = 0;
        long seen = 0;
        for (int start = 0; start < order.size(); start += config.batchSize()) {
          int rows = Math.min(config.batchSize(), order.size() - start);
          fill(pairs, order.subList(start, start + rows), cache, h, xp, xn, wt);
          HeadOptimizer.Eval e = opt.step(xp, xn, wt, rows, config.learningRate());
          lossSum += e.loss();
          for (int i = 0; i < rows; i++) {
            weightSum += wt[i];
            if (e.margins()[i] > 0) {
              correct++;
            }
          }
          seen += rows;
          progress.onStep(epoch, opt.t, totalSteps, lossSum / weightSum, (double) correct / seen);
        }
        double[] held = evaluate(opt, pairs, heldOut, cache, h, xp, xn, wt);
        EpochReport report =
            new EpochReport(
                epoch, opt.t, lossSum / weightSum, (double) correct / seen, held[0], held[1]);
        reports.add(report);
        double criterion = heldOut.isEmpty() ? report.trainLoss() : held[0];
        if (criterion < bestLoss) {
          bestLoss = criterion;
          bestAcc = held[1];
          bestW = opt.w.clone();
          bestEpoch = epoch;
          bad = 0;
        } else {
          bad++;
        }
        progress.onEpoch(report);
        if (checkpointDir != null) {
          new Checkpoint(
                  fingerprint,
                  epoch,
                  opt.t,
                  opt.w,
                  opt.m,
                  opt.v,
                  bestW,
                  bestEpoch,
                  bestLoss,
                  bestAcc,
                  bad)
              .save(checkpointDir);
        }
        if (bad >= config.patience() && epoch < config.epochs()) {
          stopped = true;
        }
      }
      return new TrainingResult(
          ValueHead.of(bestW, initial.bias()),
          reports,
          bestEpoch,
          bestAcc,
          train.size(),
          heldOut.size(),
          backbone.truncatedTexts(),
          stopped,
          resumed == null ? 0 : resumed.epoch(),
          cache.misses(),
          cache.hits());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
      throw new IllegalStateException("training step failed: " + e.getMessage(), e);
    }
  }

  /**
   * Held-out loss and pairwise accuracy of a head on pairs, with this trainer's backbone.
   *
   * @return {mean weighted loss, accuracy}
   */
  public double[] evaluate(ValueHead head, List<PreferencePair> pairs) {
    int h = backbone.hiddenSize();
    FeatureCache cache = new FeatureCache(backbone, 0);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      all.add(i);
    }
    try (HeadOptimizer opt =
        new HeadOptimizer(
            Devices.provider(config.device()),
            head.weight(),
            config.beta1(),
            config.beta2(),
            config.epsilon(),
            config.weightDecay())) {
      return evaluate(
          opt,
          pairs,
          all,
          cache,
          h,
          new float[config.batchSize() * h],
          new float[config.batchSize() * h],
          new float[config.batchSize()]);
    }
  }

  private double[] evaluate(
      HeadOptimizer opt,
      List<PreferencePair> pairs,
      List<Integer> idx,
      FeatureCache cache,
      int h,
      float[] xp,
      float[] xn,
      float[] wt) {
    if (idx.isEmpty()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double loss = 0;
    double weights = 0;
    long correct = 0;
    for (int start = 0; start < idx.size(); start += config.batchSize()) {
      int rows = Math.min(config.batchSize(), idx.size() - start);
      fill(pairs, idx.subList(start, start + rows), cache, h, xp, xn, wt);
      HeadOptimizer.Eval e = opt.evaluate(xp, xn, wt, rows);
      loss += e.loss();
      for (int i = 0; i < rows; i++) {
        weights += wt[i];
        if (e.margins()[i] > 0) {
          correct++;
        }
      }
    }
    return new double[] {loss / weights, (double) correct / idx.size()};
  }

  private static void fill(
      List<PreferencePair> pairs,
      List<Integer> batch,
      FeatureCache cache,
      int h,
      float[] xp,
      float[] xn,
      float[] wt) {
    List<String> texts = new ArrayList<>(batch.size() * 2);
    for (int i : batch) {
      PreferencePair p = pairs.get(i);
      texts.add(p.prompt() + p.pos());
      texts.add(p.prompt() + p.neg());
    }
    float[][] f = cache.features(texts);
    for (int r = 0; r < batch.size(); r++) {
      System.arraycopy(f[2 * r], 0, xp, r * h, h);
      System.arraycopy(f[2 * r + 1], 0, xn, r * h, h);
      wt[r] = (float) pairs.get(batch.get(r)).lossWeight();
    }
  }

  /** Training and held-out indices: whole questions held out, chosen by the seed. */
  List<List<Integer>> split(List<PreferencePair> pairs) {
    return split(pairs, config);
  }

  static List<List<Integer>> split(List<PreferencePair> pairs, TrainingConfig config) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i++) {
      String prompt = pairs.get(i).prompt();
      int cut = prompt.indexOf(PromptTemplate.ASSISTANT_OPENING);
      String key = cut < 0 ? prompt : prompt.substring(0, cut);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> units = new ArrayList<>(groups.values());
    if (units.size() == 1) { // a single question: hold out pairs instead
      units = new ArrayList<>();
      for (int i = 0; i < pairs.size(); i++) {
        units.add(List.of(i));
      }
    }
    Collections.shuffle(units, new Random(config.seed()));
    int nHeld = (int) Math.round(config.heldOutFraction() * units.size());
    if (config.heldOutFraction() > 0 && nHeld == 0 && units.size() >= 2) {
      nHeld = 1;
    }
    List<Integer> train = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (int u = 0; u < units.size(); u++) {
      (u < nHeld ? held : train).addAll(units.get(u));
    }
    Collections.sort(train);
    Collections.sort(held);
    return List.of(train, held);
  }

  private long fingerprint(List<PreferencePair> pairs, int h) {
    long x = 1125899906842597L;
    for (PreferencePair p : pairs) {
      x = 31 * x + p.prompt().hashCode();
      x = 31 * x + p.pos().hashCode();
      x = 31 * x + p.neg().hashCode();
      x = 31 * x + p.posCount() * 7919L + p.negCount();
    }
    x = 31 * x + h;
    x = 31 * x + Long.hashCode(config.seed());
    x = 31 * x + Double.hashCode(config.heldOutFraction());
    x = 31 * x + config.batchSize();
    return x;
  }
}
