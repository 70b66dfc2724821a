package io.rstar4j.examples.cli;

import io.rstar4j.core.io.OutputPaths;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.PairFile;
import io.rstar4j.train.ppm.Backbone;
import io.rstar4j.train.ppm.BackboneNotTrainableException;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.EpochReport;
import io.rstar4j.train.ppm.FineTuning;
import io.rstar4j.train.ppm.PpmTrainer;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainMode;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingListener;
import io.rstar4j.train.ppm.TrainingResult;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar train-ppm}: trains a Process Preference Model on preference pairs: backbone and head
 * together ({@code --train full}, the reference's way and the default for a float backbone), LoRA
 * adapters and the head ({@code lora}) or the head alone on frozen features ({@code head}, the only
 * mode for a quantized backbone).
 */
@Command(
    name = "train-ppm",
    description = {
      "train a Process Preference Model on preference pairs (ONNX Runtime): the backbone and its"
          + " value head together (--train full, the default for a float backbone), LoRA adapters"
          + " and the head (--train lora), or the head alone on frozen features (--train head, the"
          + " only mode for a quantized backbone)",
      "",
      "Progress goes to stderr; the final summary to stdout."
    })
final class TrainPpmCommand implements RstarCommand {

  @Option(
      names = "--backbone",
      required = true,
      paramLabel = "DIR",
      description =
          "an ONNX backbone: model.onnx (or a single *.onnx) with a hidden-state output"
              + " (last_hidden_state) and tokenizer.json")
  Path backboneDir;

  @Option(
      names = "--pairs",
      required = true,
      paramLabel = "FILE",
      description =
          "preference pairs, one {\"prompt\",\"neg\",\"pos\",\"neg_count\",\"pos_count\"} per line")
  Path pairsFile;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "where the PPM goes. full/lora: a new directory (model.onnx with backbone and head"
              + " merged, tokenizer.json, value_head.json, ppm.json), written at the end in one"
              + " rename; checkpoints go to DIR.partial each epoch and a killed run resumes from"
              + " them unless --fresh; an existing non-empty DIR is refused. head: ppm.json +"
              + " value_head.json with checkpoint.json, resumed unless --fresh")
  Path outDir;

  @Option(
      names = "--train",
      paramLabel = "full|lora|head",
      description =
          "what trains: full (backbone and head, the reference's way; the default for a float"
              + " backbone), lora (adapters on the attention and MLP projections, base frozen,"
              + " folded in when saved), head (the head on frozen features; the only mode for a"
              + " quantized backbone, and what a backbone that cannot be differentiated gets by"
              + " default)")
  String train;

  @Option(
      names = "--rank",
      paramLabel = "R",
      description = "LoRA rank (--train lora only; default 8, alpha 2R)")
  Integer rank;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description =
          "passes over the training pairs (default 2 for full/lora as the reference, 3 for head;"
              + " head stops early after --patience epochs without a better held-out loss)")
  Integer epochs;

  @Option(
      names = "--lr",
      paramLabel = "X",
      description =
          "AdamW learning rate (default 7e-6 for full as the reference, 1e-4 for lora, 0.001 for"
              + " head)")
  Double lr;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "32",
      description = "pairs per step (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--weight-decay",
      paramLabel = "X",
      defaultValue = "0.01",
      description = "AdamW weight decay (default ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(
      names = "--held-out",
      paramLabel = "F",
      defaultValue = "0.1",
      description =
          "fraction of the questions held out for the pairwise accuracy reported each epoch"
              + " (default ${DEFAULT-VALUE})")
  double heldOut;

  @Option(
      names = "--patience",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "epochs without a better held-out loss before stopping (default ${DEFAULT-VALUE})")
  int patience;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "shuffling and split seed (default ${DEFAULT-VALUE})")
  int seed;

  @Option(
      names = "--context",
      paramLabel = "N",
      description =
          "tokens per text (default 2048 for full/lora as the reference's max length, 512 for"
              + " head); longer texts are cut from the left and counted")
  Integer context;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda",
      defaultValue = "cpu",
      description = "where the backbone and the head run (default ${DEFAULT-VALUE})")
  String device;

  @Option(
      names = "--no-cache",
      arity = "0",
      description = "run the backbone for every use of a text instead of once")
  boolean noCache;

  @Option(
      names = "--fresh",
      arity = "0",
      description = "start again: ignore (and remove) the checkpoint in --out")
  boolean fresh;

  @Override
  public boolean ignoresArguments() {
    return true;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    TrainMode mode;
    try {
      mode = train == null ? null : TrainMode.parse(train);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--train must be full, lora or head, was '" + train + "'");
    }
    if (rank != null && mode != TrainMode.LORA) {
      throw new UsageException("--rank applies to --train lora only");
    }
    if (rank != null && rank < 1) {
      throw new UsageException("--rank must be >= 1");
    }
    config(mode == null ? TrainMode.FULL : mode); // usage errors before anything else
    settings(mode == null ? TrainMode.FULL : mode);
    config(TrainMode.HEAD);
    if (!Files.isRegularFile(pairsFile)) {
      err.println("rstar train-ppm: no such pair file: " + pairsFile);
      return 1;
    }
    if (!Files.isDirectory(backboneDir)) {
      err.println("rstar train-ppm: no such backbone directory: " + backboneDir);
      return 1;
    }
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--pairs", pairsFile)
            .input("--backbone", backboneDir)
            .outputDir("--out", outDir));
    try (RunLock lock = RunLock.onFile(outDir)) {
      if (mode != TrainMode.HEAD) {
        FineTuning tuning =
            mode == TrainMode.LORA ? FineTuning.lora(rank == null ? 8 : rank) : FineTuning.full();
        Integer code = fineTune(tuning, mode == null, out, err);
        if (code != null) {
          return code;
        }
      }
      return trainHead(out, err);
    }
  }

  /** Full or LoRA fine-tuning; null when the mode was defaulted and the backbone cannot train. */
  private Integer fineTune(FineTuning tuning, boolean defaulted, PrintStream out, PrintStream err)
      throws Exception {
    boolean lora = tuning.mode() == TrainMode.LORA;
    TrainingConfig config = config(tuning.mode());
    BackboneSettings settings = settings(tuning.mode());
    PairFile pf = PairFile.read(pairsFile);
    if (pf.pairs().isEmpty()) {
      reportLines(pf, err);
      err.println(
          "rstar train-ppm: no preference pairs in "
              + pairsFile
              + (pf.errors().isEmpty() ? " (the file is empty)" : " (every line was malformed)"));
      return 1;
    }
    long t0 = System.nanoTime();
    ProgressBar bar = new ProgressBar(err, config.epochs());
    TrainingResult r;
    try {
      r =
          PpmTrainer.fineTune(
              backboneDir, Tokenizers::fromFile, settings, config, tuning, pf.pairs(), outDir, bar);
    } catch (BackboneNotTrainableException e) {
      bar.finish();
      if (defaulted) {
        err.println(
            "rstar train-ppm: training the value head alone (--train head): "
                + (e.quantized() ? "the backbone is quantized: " : "")
                + e.getMessage());
        return null;
      }
      err.println("rstar train-ppm: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      bar.finish();
      err.println("rstar train-ppm: " + e.getMessage());
      return 1;
    } finally {
      bar.finish();
    }
    reportLines(pf, err);
    EpochReport last = r.epochs().isEmpty() ? null : r.epochs().get(r.epochs().size() - 1);
    out.printf(
        Locale.ROOT,
        "trained PPM (%s): %d training pairs, %d held out, %d malformed lines skipped%n",
        lora ? "LoRA rank " + tuning.loraRank() + ", folded in" : "full fine-tuning",
        r.trainPairs(),
        r.heldOutPairs(),
        pf.errors().size());
    out.printf(
        Locale.ROOT,
        "epochs run: %d%s%n",
        r.epochs().size(),
        r.resumedFromEpoch() > 0 ? " (resumed after epoch " + r.resumedFromEpoch() + ")" : "");
    out.printf(
        Locale.ROOT,
        "held-out pairwise accuracy: %s%n",
        Double.isNaN(r.heldOutAccuracy())
            ? "n/a (no held-out pairs)"
            : String.format(Locale.ROOT, "%.4f", r.heldOutAccuracy()));
    if (last != null) {
      out.printf(
          Locale.ROOT,
          "last epoch: train loss %.4f, train accuracy %.4f, held-out loss %.4f%n",
          last.trainLoss(),
          last.trainAccuracy(),
          last.heldOutLoss());
    }
    out.printf(
        Locale.ROOT,
        "texts cut from the left to the %d-token context: %d%n",
        settings.contextLength(),
        r.truncatedTexts());
    out.printf(Locale.ROOT, "time: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    out.printf("PPM written to %s%n", outDir);
    return 0;
  }

  private void reportLines(PairFile pf, PrintStream err) {
    for (LineError e : pf.errors()) {
      err.println("rstar train-ppm: " + pairsFile + ":" + e.line() + ": skipped: " + e.message());
    }
  }

  /** The training settings of a mode, its defaults where a flag is absent. */
  private TrainingConfig config(TrainMode mode) {
    boolean head = mode == TrainMode.HEAD;
    try {
      return TrainingConfig.builder()
          .epochs(epochs == null ? (head ? 3 : 2) : epochs)
          .learningRate(lr == null ? (head ? 0.001 : mode == TrainMode.LORA ? 1e-4 : 7e-6) : lr)
          .batchSize(batch)
          .weightDecay(weightDecay)
          .heldOutFraction(heldOut)
          .patience(patience)
          .seed(seed)
          .cacheFeatures(head && !noCache)
          .resume(!fresh)
          .device(device)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private BackboneSettings settings(TrainMode mode) {
    try {
      return BackboneSettings.builder()
          .contextLength(context == null ? (mode == TrainMode.HEAD ? 512 : 2048) : context)
          .device(device)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private int trainHead(PrintStream out, PrintStream err) throws Exception {
    TrainingConfig config = config(TrainMode.HEAD);
    BackboneSettings settings = settings(TrainMode.HEAD);
    PairFile pf = PairFile.read(pairsFile);
    reportLines(pf, err);
    if (pf.pairs().isEmpty()) {
      err.println(
          "rstar train-ppm: no preference pairs in "
              + pairsFile
              + (pf.errors().isEmpty() ? " (the file is empty)" : " (every line was malformed)"));
      return 1;
    }
    if (fresh) {
      Files.deleteIfExists(outDir.resolve("checkpoint.json"));
    }
    long t0 = System.nanoTime();
    try (Backbone backbone =
        ProcessPreferenceModel.openBackbone(backboneDir, Tokenizers::fromFile, settings)) {
      if (config.cacheFeatures()) {
        err.printf(
            "rstar train-ppm: computing backbone features of %d texts (hidden size %d)...%n",
            2 * pf.pairs().size(), backbone.hiddenSize());
      }
      ProgressBar bar = new ProgressBar(err, config.epochs());
      TrainingResult r;
      try {
        r = new PpmTrainer(backbone, config).train(pf.pairs(), outDir, bar);
      } finally {
        bar.finish();
      }
      ProcessPreferenceModel.save(outDir, backboneDir, settings, r.head());
      String acc =
          Double.isNaN(r.heldOutAccuracy())
              ? "n/a (no held-out pairs)"
              : String.format(Locale.ROOT, "%.4f", r.heldOutAccuracy());
      EpochReport last = r.epochs().isEmpty() ? null : r.epochs().get(r.epochs().size() - 1);
      out.printf(
          Locale.ROOT,
          "trained PPM value head: %d training pairs, %d held out, %d malformed lines skipped%n",
          r.trainPairs(),
          r.heldOutPairs(),
          pf.errors().size());
      out.printf(
          Locale.ROOT,
          "epochs run: %d%s%s, best epoch: %d%n",
          r.epochs().size(),
          r.resumedFromEpoch() > 0 ? " (resumed after epoch " + r.resumedFromEpoch() + ")" : "",
          r.stoppedEarly() ? " (stopped early)" : "",
          r.bestEpoch());
      out.printf(Locale.ROOT, "held-out pairwise accuracy: %s%n", acc);
      if (last != null) {
        out.printf(
            Locale.ROOT,
            "last epoch: train loss %.4f, train accuracy %.4f, held-out loss %.4f%n",
            last.trainLoss(),
            last.trainAccuracy(),
            last.heldOutLoss());
      }
      out.printf(
          Locale.ROOT,
          "texts cut from the left to the %d-token context: %d%n",
          settings.contextLength(),
          r.truncatedTexts());
      out.printf(Locale.ROOT, "time: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      out.printf("PPM written to %s%n", outDir);
    }
    return 0;
  }

  /**
   * Training progress on stderr ({@link Progress}): a bar over the feature texts, then one bar per
   * epoch (steps, running loss and pairwise accuracy, ETA), each epoch's held-out line after it.
   */
  static final class ProgressBar implements TrainingListener {
    private final PrintStream err;
    private final int epochs;
    private Progress features;
    private Progress steps;
    private int epoch;
    private long stepsPerEpoch = 1;

    private final String command;

    ProgressBar(PrintStream err, int epochs) {
      this(err, epochs, "rstar train-ppm");
    }

    /** Progress whose summary line starts with {@code command}. */
    ProgressBar(PrintStream err, int epochs, String command) {
      this.err = err;
      this.epochs = epochs;
      this.command = command;
    }

    @Override
    public void onFeatures(long done, long total) {
      if (features == null) {
        features = Progress.start(err, "features", total, " texts");
      }
      features.update(done, total, "");
      if (done == total) {
        features.close();
      }
    }

    @Override
    public void onStart(long totalSteps, long doneSteps, int trainPairs, int heldOutPairs) {
      stepsPerEpoch = Math.max(1, totalSteps / Math.max(1, epochs));
      err.printf(
          "%s: %d training pairs, %d held out, %d steps%s%n",
          command,
          trainPairs,
          heldOutPairs,
          totalSteps,
          doneSteps > 0 ? " (resuming at step " + doneSteps + ")" : "");
    }

    @Override
    public void onStep(int epoch, long step, long totalSteps, double loss, double accuracy) {
      if (steps == null || this.epoch != epoch) {
        closeSteps();
        this.epoch = epoch;
        steps = Progress.start(err, "epoch " + epoch + "/" + epochs, stepsPerEpoch, " steps");
      }
      steps.update(
          step - (epoch - 1) * stepsPerEpoch,
          stepsPerEpoch,
          String.format(Locale.ROOT, "loss %.4f  acc %.3f", loss, accuracy));
    }

    @Override
    public void onEpoch(EpochReport r) {
      closeSteps();
      err.printf(
          Locale.ROOT,
          "epoch %d/%d: train loss %.4f acc %.3f | held-out loss %.4f acc %.3f%n",
          r.epoch(),
          epochs,
          r.trainLoss(),
          r.trainAccuracy(),
          r.heldOutLoss(),
          r.heldOutAccuracy());
    }

    private void closeSteps() {
      if (steps != null) {
        steps.close();
        steps = null;
      }
    }

    void finish() {
      if (features != null) {
        features.close();
      }
      closeSteps();
      err.flush();
    }
  }
}
