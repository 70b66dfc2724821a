package io.rstar4j.examples.cli;

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
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code rstar train-ppm}: fine-tunes the PPM's value head on preference pairs. */
final class TrainPpmCommand implements Command {

  @Override
  public String name() {
    return "train-ppm";
  }

  @Override
  public String summary() {
    return "fine-tune a Process Preference Model's value head on preference pairs (ONNX Runtime)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar train-ppm --backbone DIR --pairs FILE --out DIR [--epochs 3] [--lr 0.001] [--batch 32]",
        "                       [--weight-decay 0.01] [--held-out 0.1] [--patience 2] [--seed 0]",
        "                       [--context 512] [--device cpu|cuda] [--no-cache] [--fresh]",
        "",
        "  --backbone DIR   an ONNX backbone: model.onnx (or a single *.onnx) with a hidden-state output",
        "                   (last_hidden_state) and tokenizer.json",
        "  --pairs FILE     preference pairs, one {\"prompt\",\"neg\",\"pos\",\"neg_count\",\"pos_count\"} per line",
        "  --out DIR        where the PPM goes (ppm.json + value_head.json) with checkpoint.json; an",
        "                   interrupted run resumes from the checkpoint unless --fresh",
        "  --epochs N       passes over the training pairs (early stop after --patience epochs without",
        "                   a better held-out loss)",
        "  --lr X           AdamW learning rate; --batch N pairs per step; --held-out F fraction of the",
        "                   questions held out for the pairwise accuracy reported each epoch",
        "  --context N      tokens per text; longer texts are cut from the left and counted",
        "  --no-cache       run the backbone for every use of a text instead of once",
        "Progress goes to stderr; the final summary to stdout.");
  }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Args args =
        Args.parse(
            argv,
            Set.of(
                "backbone",
                "pairs",
                "out",
                "epochs",
                "lr",
                "batch",
                "weight-decay",
                "held-out",
                "patience",
                "seed",
                "context",
                "device"),
            Set.of("no-cache", "fresh"));
    Path backboneDir = Path.of(args.require("backbone"));
    Path pairsFile = Path.of(args.require("pairs"));
    Path outDir = Path.of(args.require("out"));
    TrainingConfig config;
    BackboneSettings settings;
    try {
      config =
          TrainingConfig.builder()
              .epochs(args.getInt("epochs", 3))
              .learningRate(args.getDouble("lr", 1e-3))
              .batchSize(args.getInt("batch", 32))
              .weightDecay(args.getDouble("weight-decay", 0.01))
              .heldOutFraction(args.getDouble("held-out", 0.1))
              .patience(args.getInt("patience", 2))
              .seed(args.getInt("seed", 0))
              .cacheFeatures(!args.has("no-cache"))
              .resume(!args.has("fresh"))
              .device(args.get("device", "cpu"))
              .build();
      settings =
          BackboneSettings.builder()
              .contextLength(args.getInt("context", 512))
              .device(args.get("device", "cpu"))
              .build();
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
    if (args.has("fresh")) {
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
      TrainingResult r = new PpmTrainer(backbone, config).train(pf.pairs(), outDir, bar);
      bar.finish();
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

  /** A one-line progress bar on stderr: epoch, steps, loss, pairwise accuracy, ETA. */
  static final class ProgressBar implements TrainingListener {
    private final PrintStream err;
    private final int epochs;
    private long start;
    private long featureStart;
    private long firstStep;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintStream err, int epochs) {
      this.err = err;
      this.epochs = epochs;
    }

    @Override
    public void onFeatures(long done, long total) {
      if (featureStart == 0) {
        featureStart = System.nanoTime();
      }
      double perText = (System.nanoTime() - featureStart) / 1e9 / Math.max(1, done);
      long eta = Math.round(perText * (total - done));
      err.printf(
          Locale.ROOT, "\rfeatures %d/%d texts  ETA %d:%02d ", done, total, eta / 60, eta % 60);
      if (done == total) {
        err.println();
      }
    }

    @Override
    public void onStart(long totalSteps, long doneSteps, int trainPairs, int heldOutPairs) {
      start = System.nanoTime();
      firstStep = doneSteps;
      err.printf(
          "rstar train-ppm: %d training pairs, %d held out, %d steps%s%n",
          trainPairs,
          heldOutPairs,
          totalSteps,
          doneSteps > 0 ? " (resuming at step " + doneSteps + ")" : "");
    }

    @Override
    public void onStep(int epoch, long step, long totalSteps, double loss, double accuracy) {
      long now = System.nanoTime();
      if (step != totalSteps && now - lastDraw < 200_000_000L && drawn) {
        return;
      }
      lastDraw = now;
      drawn = true;
      int width = 24;
      int filled = (int) (width * step / Math.max(1, totalSteps));
      double perStep = (now - start) / 1e9 / Math.max(1, step - firstStep);
      long eta = Math.round(perStep * (totalSteps - step));
      err.printf(
          Locale.ROOT,
          "\repoch %d/%d [%s%s] %d/%d steps  loss %.4f  acc %.3f  ETA %d:%02d ",
          epoch,
          epochs,
          "#".repeat(filled),
          ".".repeat(width - filled),
          step,
          totalSteps,
          loss,
          accuracy,
          eta / 60,
          eta % 60);
    }

    @Override
    public void onEpoch(EpochReport r) {
      err.printf(
          Locale.ROOT,
          "%nepoch %d/%d: train loss %.4f acc %.3f | held-out loss %.4f acc %.3f%n",
          r.epoch(),
          epochs,
          r.trainLoss(),
          r.trainAccuracy(),
          r.heldOutLoss(),
          r.heldOutAccuracy());
      drawn = false;
    }

    void finish() {
      err.flush();
    }
  }
}
