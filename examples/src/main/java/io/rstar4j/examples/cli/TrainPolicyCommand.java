package io.rstar4j.examples.cli;

import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.policy.OnnxPolicyTrainer;
import io.rstar4j.train.policy.SftListener;
import io.rstar4j.train.policy.SftResult;
import io.rstar4j.train.policy.TrainMode;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rstar train-policy}: policy SFT of a decoder export on ONNX Runtime. */
@Command(
    name = "train-policy",
    description = {
      "fine-tune a policy (an ONNX decoder export) on {query, response} SFT records",
      "",
      "Each record is rendered with the search's prompt template, the loss covers the response"
          + " tokens only; records are length-bucketed, the learning rate warms up then follows a"
          + " cosine; a held-out share is scored after each epoch. --out gets an export of the"
          + " same layout as --model (model.onnx with past key values, config.json, tokenizer"
          + " files), which generate, solve --model and train-ppm --backbone load. Each epoch is"
          + " checkpointed in --out: rerunning the same command after a kill resumes it. Progress"
          + " and diagnostics go to stderr; stdout gets one JSON line {\"epochs\", \"train_loss\","
          + " \"heldout_loss\", \"tokens\", \"seconds\"}."
    })
final class TrainPolicyCommand implements RstarCommand {

  @Option(
      names = "--sft",
      required = true,
      paramLabel = "FILE",
      description =
          "SFT records, one {\"query\", \"response\"} per line (extract --sft writes them)")
  Path sftFile;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "the export to start from: model.onnx (inputs input_ids, attention_mask[,"
              + " position_ids], past_key_values.*; output logits), tokenizer.json, config.json")
  Path modelDir;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "where the trained export goes: a new or empty directory, or one this command was"
              + " interrupted in (then it resumes)")
  Path outDir;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "2",
      description = "passes over the records (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--lr",
      paramLabel = "X",
      defaultValue = "7e-6",
      description = "peak AdamW learning rate (default ${DEFAULT-VALUE}, the reference's)")
  double lr;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "8",
      description = "records per step (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--max-length",
      paramLabel = "L",
      defaultValue = "2048",
      description =
          "tokens per record, prompt included (default ${DEFAULT-VALUE}, at most the model's"
              + " context); longer records are cut and counted")
  int maxLength;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "held-out split, batch order and LoRA seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--train",
      paramLabel = "full|lora",
      defaultValue = "full",
      description =
          "full: every weight (default); lora: rank-8 adapters on the attention and MLP"
              + " projections, merged into the weights in --out")
  String train;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda|auto",
      defaultValue = "auto",
      description = "auto: CUDA when usable, else the CPU (default); cuda: CUDA or an error")
  String device;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    TrainMode mode =
        switch (train) {
          case "full" -> TrainMode.FULL;
          case "lora" -> TrainMode.LORA;
          default -> throw new UsageException("--train must be full or lora, was '" + train + "'");
        };
    ProviderChoice provider =
        switch (device) {
          case "cpu" -> ProviderChoice.CPU;
          case "cuda" -> ProviderChoice.CUDA;
          case "auto" -> ProviderChoice.AUTO;
          default ->
              throw new UsageException("--device must be cpu, cuda or auto, was '" + device + "'");
        };
    if (epochs < 1) {
      throw new UsageException("--epochs must be >= 1, was " + epochs);
    }
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new UsageException("--lr must be a positive number, was " + lr);
    }
    if (batch < 1) {
      throw new UsageException("--batch must be >= 1, was " + batch);
    }
    if (maxLength < 2) {
      throw new UsageException("--max-length must be >= 2, was " + maxLength);
    }
    OnnxPolicyTrainer trainer =
        OnnxPolicyTrainer.builder()
            .epochs(epochs)
            .learningRate(lr)
            .batchSize(batch)
            .maxLength(maxLength)
            .seed(seed)
            .mode(mode)
            .device(provider)
            .build();
    if (!Files.isRegularFile(sftFile)) {
      err.println("rstar train-policy: no such SFT file: " + sftFile);
      return 1;
    }
    if (!Files.isDirectory(modelDir)) {
      err.println("rstar train-policy: no such model directory: " + modelDir);
      return 1;
    }
    Bar bar = new Bar(err, epochs);
    SftResult r;
    try {
      r = trainer.train(sftFile, modelDir, outDir, bar);
    } finally {
      bar.close();
    }
    if (r.truncated() > 0 || r.dropped() > 0) {
      err.printf(
          "rstar train-policy: %d records longer than the maximum length were cut from the"
              + " right%s%n",
          r.truncated(),
          r.dropped() > 0 ? "; " + r.dropped() + " whose prompt alone fills it were left out" : "");
    }
    err.printf("rstar train-policy: trained export written to %s%n", r.output());
    out.println(
        String.format(
            Locale.ROOT,
            "{\"epochs\":%d,\"train_loss\":%s,\"heldout_loss\":%s,\"tokens\":%d,\"seconds\":%.3f}",
            r.epochs(),
            number(r.trainLoss()),
            number(r.heldOutLoss()),
            r.tokens(),
            r.seconds()));
    return 0;
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "null";
  }

  /** Progress on stderr: one bar per epoch (steps, loss, learning rate), a line per epoch. */
  private static final class Bar implements SftListener {
    private final PrintStream err;
    private final int epochs;
    private Progress steps;
    private int epoch;

    Bar(PrintStream err, int epochs) {
      this.err = err;
      this.epochs = epochs;
    }

    @Override
    public void onMalformedLine(Path file, LineError e) {
      err.println("rstar train-policy: " + file + ":" + e.line() + ": skipped: " + e.message());
    }

    @Override
    public void onStart(
        long totalSteps, long doneSteps, int trainRecords, int heldOutRecords, int truncated) {
      err.printf(
          "rstar train-policy: %d training records, %d held out, %d steps%s%n",
          trainRecords,
          heldOutRecords,
          totalSteps,
          doneSteps > 0 ? " (resuming at step " + doneSteps + ")" : "");
    }

    @Override
    public void onStep(int epoch, long stepInEpoch, long stepsPerEpoch, double loss, double lr) {
      if (steps == null || this.epoch != epoch) {
        closeSteps();
        this.epoch = epoch;
        steps = Progress.start(err, "epoch " + epoch + "/" + epochs, stepsPerEpoch, " steps");
      }
      steps.update(
          stepInEpoch, stepsPerEpoch, String.format(Locale.ROOT, "loss %.4f  lr %.2e", loss, lr));
    }

    @Override
    public void onEpoch(SftResult.Epoch e) {
      closeSteps();
      err.printf(
          Locale.ROOT,
          "epoch %d/%d: train loss %.4f | held-out loss %s%n",
          e.epoch(),
          epochs,
          e.trainLoss(),
          Double.isNaN(e.heldOutLoss())
              ? "n/a"
              : String.format(Locale.ROOT, "%.4f", e.heldOutLoss()));
    }

    private void closeSteps() {
      if (steps != null) {
        steps.close();
        steps = null;
      }
    }

    void close() {
      closeSteps();
      err.flush();
    }
  }
}
