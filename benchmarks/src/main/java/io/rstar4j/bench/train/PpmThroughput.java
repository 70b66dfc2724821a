package io.rstar4j.bench.train;

import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.data.PreferencePair;
import io.rstar4j.train.ppm.Backbone;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.FineTuning;
import io.rstar4j.train.ppm.PpmTrainer;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainMode;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingResult;
import io.rstar4j.train.ppm.ValueHead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PPM throughput on CPU: scoring prefixes per second and training pairs per second, with feature
 * caching on and off, on a real backbone (the quantized all-MiniLM-L6-v2 encoder from the
 * langchain4j artifact, or {@code --backbone DIR}), plus the training step alone on precomputed
 * features.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.rstar4j.bench.train.PpmThroughput \
 *     [--backbone DIR] [--pairs 128] [--epochs 2] [--batch 32] [--context 256]
 * </pre>
 *
 * <p>With {@code --modes head,full,lora [--rank R]} and a float {@code --backbone} (a {@code rstar
 * make-tiny-model} output), it instead times training in each mode side by side: head-only on
 * cached features, full fine-tuning and LoRA through the autodiff training graph.
 */
public final class PpmThroughput {
  private PpmThroughput() {}

  @Command(name = "PpmThroughput", description = "PPM scoring and training throughput on CPU")
  static final class Options {
    @Option(
        names = "--backbone",
        paramLabel = "DIR",
        description = "an ONNX backbone (default: the quantized all-MiniLM-L6-v2 encoder)")
    Path backbone;

    @Option(
        names = "--pairs",
        paramLabel = "N",
        defaultValue = "128",
        description = "preference pairs (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(
        names = "--epochs",
        paramLabel = "N",
        defaultValue = "2",
        description = "training epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "32",
        description = "pairs per step and texts per backbone call (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
        names = "--context",
        paramLabel = "N",
        defaultValue = "256",
        description = "tokens per text (default ${DEFAULT-VALUE})")
    int context;

    @Option(
        names = "--modes",
        paramLabel = "LIST",
        split = ",",
        description =
            "instead: training pairs/s of these modes side by side (head, full, lora) on the same"
                + " pairs, epochs, batch and context; the backbone must be a float export that can"
                + " be fine-tuned (make-tiny-model --size tiny|small)")
    List<String> modes;

    @Option(
        names = "--rank",
        paramLabel = "R",
        defaultValue = "8",
        description = "LoRA rank for --modes lora (default ${DEFAULT-VALUE})")
    int rank;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  /** Training pairs/s of each mode, side by side, with the same pairs and settings. */
  private static void compareModes(Options opts, List<PreferencePair> pairs) throws Exception {
    BackboneSettings settings =
        BackboneSettings.builder().contextLength(opts.context).batchSize(opts.batch).build();
    TrainingConfig cfg =
        TrainingConfig.builder()
            .epochs(opts.epochs)
            .batchSize(opts.batch)
            .learningRate(1e-4)
            .heldOutFraction(0.0)
            .patience(opts.epochs)
            .build();
    for (String m : opts.modes) {
      TrainMode mode = TrainMode.parse(m);
      long t0 = System.nanoTime();
      if (mode == TrainMode.HEAD) {
        // head-only training reads last_hidden_state, which a causal LM export lacks: a PPM
        // directory fine-tuned briefly from it has it (and the same graph otherwise)
        Path seeded = Files.createTempDirectory("ppm-bench-seed").resolve("ppm");
        PpmTrainer.fineTune(
            opts.backbone,
            Tokenizers::fromFile,
            settings,
            cfg.toBuilder().epochs(1).build(),
            FineTuning.full(),
            pairs.subList(0, Math.min(pairs.size(), opts.batch)),
            seeded,
            null);
        t0 = System.nanoTime();
        try (Backbone backbone =
            ProcessPreferenceModel.openBackbone(seeded, Tokenizers::fromFile, settings)) {
          new PpmTrainer(backbone, cfg).train(pairs, null, null);
        }
      } else {
        Path out = Files.createTempDirectory("ppm-bench-" + m).resolve("ppm");
        PpmTrainer.fineTune(
            opts.backbone,
            Tokenizers::fromFile,
            settings,
            cfg,
            mode == TrainMode.LORA ? FineTuning.lora(opts.rank) : FineTuning.full(),
            pairs,
            out,
            null);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "training %-4s: %8.2f pairs/s (%d pairs x %d epochs in %.1f s, graph building and saving"
              + " included)%n",
          mode.label(),
          (double) pairs.size() * opts.epochs / s,
          pairs.size(),
          opts.epochs,
          s);
    }
  }

  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    Path backboneDir = opts.backbone;
    int nPairs = opts.pairs;
    int epochs = opts.epochs;
    int batch = opts.batch;
    int context = opts.context;
    if (backboneDir == null) {
      backboneDir = Files.createTempDirectory("ppm-bench-minilm");
      copy("/all-minilm-l6-v2-q.onnx", backboneDir.resolve("model.onnx"));
      copy("/all-minilm-l6-v2-q-tokenizer.json", backboneDir.resolve("tokenizer.json"));
      backboneDir.toFile().deleteOnExit();
      backboneDir.resolve("model.onnx").toFile().deleteOnExit();
      backboneDir.resolve("tokenizer.json").toFile().deleteOnExit();
    }
    System.out.printf(
        Locale.ROOT,
        "backbone %s, %d pairs, %d epochs, batch %d, context %d, %d cores%n",
        backboneDir,
        nPairs,
        epochs,
        batch,
        context,
        Runtime.getRuntime().availableProcessors());
    List<PreferencePair> pairs = pairs(nPairs, 1);
    if (opts.modes != null && !opts.modes.isEmpty()) {
      if (opts.backbone == null) {
        throw new IllegalArgumentException("--modes needs --backbone (a float export)");
      }
      compareModes(opts, pairs);
      return;
    }
    BackboneSettings settings =
        BackboneSettings.builder().contextLength(context).batchSize(batch).build();
    try (Backbone backbone =
        ProcessPreferenceModel.openBackbone(backboneDir, Tokenizers::fromFile, settings)) {
      List<String> prompts = new ArrayList<>();
      for (PreferencePair p : pairs) {
        prompts.add(p.prompt() + p.pos());
      }
      backbone.lastHiddenStates(prompts); // warm-up: one full pass
      ValueHead head = ValueHead.random(backbone.hiddenSize(), 0.05, 1);
      for (int cache : new int[] {0, 1 << 16}) {
        ProcessPreferenceModel ppm =
            ProcessPreferenceModel.builder().backbone(backbone).head(head).cacheSize(cache).build();
        long t0 = System.nanoTime();
        ppm.scoreTexts(prompts); // cold pass
        double cold = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        ppm.scoreTexts(prompts); // the same prefixes again
        double warm = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "scoring, cache %-3s: first pass %8.1f prefixes/s, repeated prefixes %10.1f prefixes/s%n",
            cache == 0 ? "off" : "on",
            prompts.size() / cold,
            prompts.size() / warm);
      }
      for (boolean cacheFeatures : new boolean[] {true, false}) {
        TrainingConfig cfg =
            TrainingConfig.builder()
                .epochs(epochs)
                .batchSize(batch)
                .heldOutFraction(0.0)
                .patience(epochs)
                .cacheFeatures(cacheFeatures)
                .build();
        long t0 = System.nanoTime();
        TrainingResult r = new PpmTrainer(backbone, cfg).train(pairs, null, null);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "training, feature cache %-3s: %8.1f pairs/s (%d pairs x %d epochs in %.1f s, %d backbone texts)%n",
            cacheFeatures ? "on" : "off",
            (double) pairs.size() * epochs / s,
            pairs.size(),
            epochs,
            s,
            r.featureMisses());
      }
      // the training step alone, on features already computed (what a cached epoch costs)
      int h = backbone.hiddenSize();
      try (Backbone fixed = new RandomFeatures(h)) {
        List<PreferencePair> many = pairs(4096, 2);
        TrainingConfig cfg =
            TrainingConfig.builder()
                .epochs(1)
                .batchSize(batch)
                .heldOutFraction(0.0)
                .patience(1)
                .build();
        new PpmTrainer(fixed, cfg).train(many, null, null); // warm-up
        cfg = cfg.toBuilder().epochs(5).patience(5).build();
        long t0 = System.nanoTime();
        new PpmTrainer(fixed, cfg).train(many, null, null);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "training steps on cached features (hidden %d, batch %d): %10.1f pairs/s%n",
            h,
            batch,
            many.size() * 5 / s);
      }
    }
  }

  private static List<PreferencePair> pairs(int n, long seed) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = 10 + r.nextInt(90);
      int b = 2 + r.nextInt(40);
      String prompt =
          PromptTemplate.TRAINING.head(
                  "Ana has "
                      + a
                      + " apples and gets "
                      + b
                      + " more. How many apples does she have now? (problem "
                      + i
                      + ")")
              + "<code>\n# Step 1: start from what Ana has\nstart = "
              + a
              + "\n<end_of_step>";
      String pos =
          "<code>\n# Step 2: add the "
              + b
              + " apples\nresult = start + "
              + b
              + "\nprint(result)\n<end_of_code>\n<output>"
              + (a + b)
              + "<end_of_output>";
      String neg =
          "<code>\n# Step 2: add the "
              + (b + 7)
              + " pears\nresult = start + "
              + (b + 7)
              + "\nprint(result)\n<end_of_code>\n<output>"
              + (a + b + 7)
              + "<end_of_output>";
      out.add(new PreferencePair(prompt, neg, pos, 1, 1));
    }
    return out;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = PpmThroughput.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "no " + resource + " on the class path; pass --backbone DIR");
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A stand-in backbone returning a fixed pseudo-random vector per text (no model cost). */
  private static final class RandomFeatures implements Backbone {
    private final int hidden;

    RandomFeatures(int hidden) {
      this.hidden = hidden;
    }

    @Override
    public int hiddenSize() {
      return hidden;
    }

    @Override
    public int contextLength() {
      return Integer.MAX_VALUE;
    }

    @Override
    public float[][] lastHiddenStates(List<String> texts) {
      float[][] out = new float[texts.size()][hidden];
      for (int i = 0; i < texts.size(); i++) {
        Random r = new Random(texts.get(i).hashCode());
        for (int j = 0; j < hidden; j++) {
          out[i][j] = (float) r.nextGaussian();
        }
      }
      return out;
    }

    @Override
    public long truncatedTexts() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
