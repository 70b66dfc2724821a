package io.rstar4j.examples.cli;

import io.rstar4j.core.internal.OutputPaths;
import io.rstar4j.core.internal.RunLock;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.PairFile;
import io.rstar4j.train.ppm.Backbone;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.EpochReport;
import io.rstar4j.train.ppm.PpmTrainer;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
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

/** {@code rstar train-ppm}: fine-tunes the PPM's value head on preference pairs. */
@Command(
    name = "train-ppm",
    description = {
      "fine-tune a Process Preference Model's value head on preference pairs (ONNX Runtime)",
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
          "where the PPM goes (ppm.json + value_head.json) with checkpoint.json; an interrupted"
              + " run resumes from the checkpoint unless --fresh")
  Path outDir;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "passes over the training pairs (default ${DEFAULT-VALUE}; early stop after --patience"
              + " epochs without a better held-out loss)")
  int epochs;

  @Option(
      names = "--lr",
      paramLabel = "X",
      defaultValue = "0.001",
      description = "AdamW learning rate (default ${DEFAULT-VALUE})")
  double lr;

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
      defaultValue = "512",
      description =
          "tokens per text (default ${DEFAULT-VALUE}); longer texts are cut from the left and"
              + " counted")
  int context;

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
    TrainingConfig config;
    BackboneSettings settings;
    try {
      config =
          TrainingConfig.builder()
              .epochs(epochs)
              .learningRate(lr)
              .batchSize(batch)
              .weightDecay(weightDecay)
              .heldOutFraction(heldOut)
              .patience(patience)
              .seed(seed)
              .cacheFeatures(!noCache)
              .resume(!fresh)
              .device(device)
              .build();
      settings = BackboneSettings.builder().contextLength(context).device(device).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
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
      return train(config, settings, out, err);
    }
  }

  private int train(
      TrainingConfig config, BackboneSettings settings, PrintStream out, PrintStream err)
      throws Exception {
    PairFile pf = PairFile.read(pairsFile);
    for (LineError e : pf.errors()) {
      err.println("rstar train-ppm: " + pairsFile + ":" + e.line() + ": skipped: " + e.message());
    }
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
