package io.rstar4j.bench.train;

import ai.onnx.proto.OnnxMl;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.train.autodiff.Losses;
import io.rstar4j.train.autodiff.TrainingGraph;
import io.rstar4j.train.autodiff.TrainingGraphBuilder;
import io.rstar4j.train.autodiff.TrainingSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Training tokens per second and peak resident memory for one training step of a TinyQwen2 decoder:
 * the rstar4j training-step graph on ONNX Runtime (CPU) against PyTorch (Debian's python3-torch) on
 * the same weights, batch, loss, clipping and AdamW, side by side in one run. Each side runs in its
 * own process (a child JVM, a python3 process) so that each one's peak RSS is its own.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.rstar4j.bench.train.TrainingStepBenchmark \
 *     [--sizes tiny,small] [--batch 8] [--seq 128] [--steps 20] [--warmup 3] [--threads 2]
 *     [--python /usr/bin/python3]
 * </pre>
 *
 * Sizes: {@code tiny} and {@code small} are {@link TinyQwen2.Config#tiny()} and {@link
 * TinyQwen2.Config#small()}; {@code 10m} is a ~10M-parameter decoder (hidden 384, 6 layers).
 */
public final class TrainingStepBenchmark {
  private static final double LR = 1e-4;
  private static final double WEIGHT_DECAY = 0.01;
  private static final double MAX_NORM = 1.0;

  private TrainingStepBenchmark() {}

  static TinyQwen2.Config config(String size) {
    return switch (size) {
      case "tiny" -> TinyQwen2.Config.tiny();
      case "small" -> TinyQwen2.Config.small();
      case "10m" -> new TinyQwen2.Config(384, 6, 6, 2, 1024, 4096, 10000.0, 1e-6, 42L);
      default -> throw new IllegalArgumentException("unknown size " + size + " (tiny|small|10m)");
    };
  }

  public static void main(String[] args) throws Exception {
    String sizes = "tiny,small";
    int batch = 8;
    int seq = 128;
    int steps = 20;
    int warmup = 3;
    int threads = 2;
    String python = "/usr/bin/python3";
    String worker = null;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--sizes" -> sizes = v;
        case "--batch" -> batch = Integer.parseInt(v);
        case "--seq" -> seq = Integer.parseInt(v);
        case "--steps" -> steps = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--python" -> python = v;
        case "--worker" -> worker = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (worker != null) {
      System.out.println(javaWorker(config(worker), batch, seq, steps, warmup, threads));
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "training step: batch %d x %d tokens, %d timed steps after %d warm-up, %d threads,"
            + " AdamW lr %.0e wd %.2f clip %.1f%n",
        batch,
        seq,
        steps,
        warmup,
        threads,
        LR,
        WEIGHT_DECAY,
        MAX_NORM);
    System.out.printf(
        Locale.ROOT,
        "%-6s %10s | %-22s %12s %10s %10s | %12s %10s %10s | %7s%n",
        "size",
        "params",
        "",
        "tokens/s",
        "step ms",
        "peak MB",
        "torch tok/s",
        "step ms",
        "peak MB",
        "ratio");
    for (String size : sizes.split(",")) {
      TinyQwen2.Config c = config(size.trim());
      Path dir = Files.createTempDirectory("train-bench-" + size);
      try {
        long params = writeManifest(dir, c, batch, seq, steps, warmup, threads);
        JsonObject java = runJava(size.trim(), batch, seq, steps, warmup, threads, dir);
        JsonObject torch = runTorch(python, dir, threads);
        double jt = java.get("tokens_per_s").getAsDouble();
        double tt = torch == null ? Double.NaN : torch.get("tokens_per_s").getAsDouble();
        System.out.printf(
            Locale.ROOT,
            "%-6s %10d | %-22s %12.0f %10.1f %10.0f | %12.0f %10.1f %10.0f | %7.2f%n",
            size,
            params,
            "rstar4j/ORT vs torch",
            jt,
            java.get("step_ms").getAsDouble(),
            java.get("peak_rss_mb").getAsDouble(),
            tt,
            torch == null ? Double.NaN : torch.get("step_ms").getAsDouble(),
            torch == null ? Double.NaN : torch.get("peak_rss_mb").getAsDouble(),
            jt / tt);
        System.out.printf(
            Locale.ROOT,
            "       first-step loss: ORT %.6f, torch %s%n",
            java.get("first_loss").getAsDouble(),
            torch == null
                ? "n/a"
                : String.format(
                    Locale.ROOT,
                    "%.6f (torch %s)",
                    torch.get("first_loss").getAsDouble(),
                    torch.get("version").getAsString()));
      } finally {
        deleteTree(dir);
      }
    }
  }

  // ------------------------------------------------------------------ the shared batch

  record Data(long[] ids, long[] mask, long[] pos, long[] labels, float[] weights) {}

  static Data data(int batch, int seq) {
    Random r = new Random(1234);
    int n = batch * seq;
    long[] ids = new long[n];
    long[] mask = new long[n];
    long[] pos = new long[n];
    long[] labels = new long[n];
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.nextInt(TinyQwen2.vocabSize());
      mask[i] = 1;
      pos[i] = i % seq;
    }
    int count = batch * (seq - 1);
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seq; t++) {
        int i = b * seq + t;
        boolean scored = t < seq - 1;
        labels[i] = scored ? ids[i + 1] : -100;
        w[i] = scored ? 1f / count : 0f;
      }
    }
    return new Data(ids, mask, pos, labels, w);
  }

  static List<String> trainable(OnnxMl.ModelProto m) {
    List<String> names = new ArrayList<>();
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getName().startsWith("model.") || t.getName().startsWith("lm_head.")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  // ------------------------------------------------------------------ Java side (child JVM)

  static String javaWorker(
      TinyQwen2.Config c, int batch, int seq, int steps, int warmup, int threads) {
    OnnxMl.ModelProto withLoss = Losses.tokenCrossEntropy(TinyQwen2.model(c), "logits");
    TrainingGraph g =
        TrainingGraphBuilder.forModel(withLoss)
            .trainable(trainable(withLoss))
            .loss(Losses.LOSS)
            .withoutPastKeyValues()
            .build();
    Data d = data(batch, seq);
    Map<String, Tensor> b = new LinkedHashMap<>();
    b.put("input_ids", Tensor.of(d.ids(), batch, seq));
    b.put("attention_mask", Tensor.of(d.mask(), batch, seq));
    b.put("position_ids", Tensor.of(d.pos(), batch, seq));
    b.put(Losses.LABELS, Tensor.of(d.labels(), batch, seq));
    b.put(Losses.LABEL_WEIGHTS, Tensor.of(d.weights(), batch, seq));
    JsonObject o = new JsonObject();
    try (TrainingSession s =
        TrainingSession.builder(g)
            .weightDecay(WEIGHT_DECAY)
            .maxGradNorm(MAX_NORM)
            .intraOpThreads(threads)
            .build()) {
      double first = s.step(b, LR).loss();
      for (int i = 1; i < warmup; i++) {
        s.step(b, LR);
      }
      long t0 = System.nanoTime();
      double last = first;
      for (int i = 0; i < steps; i++) {
        last = s.step(b, LR).loss();
      }
      double sec = (System.nanoTime() - t0) / 1e9;
      o.addProperty("tokens_per_s", (double) batch * seq * steps / sec);
      o.addProperty("step_ms", 1000 * sec / steps);
      o.addProperty("first_loss", first);
      o.addProperty("last_loss", last);
    }
    o.addProperty("peak_rss_mb", peakRssMb());
    return new Gson().toJson(o);
  }

  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  static JsonObject runJava(
      String size, int batch, int seq, int steps, int warmup, int threads, Path dir)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    // The class path goes through an @argfile: ONNX Runtime 1.29 crashes the JVM when the command
    // line is longer than about 4 KB.
    Path argfile = dir.resolve("java.args");
    Files.writeString(
        argfile, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    List<String> cmd =
        List.of(
            java,
            "@" + argfile,
            TrainingStepBenchmark.class.getName(),
            "--worker",
            size,
            "--batch",
            Integer.toString(batch),
            "--seq",
            Integer.toString(seq),
            "--steps",
            Integer.toString(steps),
            "--warmup",
            Integer.toString(warmup),
            "--threads",
            Integer.toString(threads));
    return run(cmd, "the Java worker");
  }

  // ------------------------------------------------------------------ PyTorch side

  static long writeManifest(
      Path dir, TinyQwen2.Config c, int batch, int seq, int steps, int warmup, int threads)
      throws IOException {
    OnnxMl.ModelProto m = TinyQwen2.model(c);
    List<String> train = trainable(m);
    JsonObject man = new JsonObject();
    JsonObject cfg = new JsonObject();
    cfg.addProperty("hidden", c.hidden());
    cfg.addProperty("layers", c.layers());
    cfg.addProperty("heads", c.heads());
    cfg.addProperty("kv_heads", c.kvHeads());
    cfg.addProperty("rms_eps", c.rmsEps());
    man.add("config", cfg);
    JsonArray ps = new JsonArray();
    long count = 0;
    int k = 0;
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      boolean isTrain = train.contains(t.getName());
      if (!isTrain && !t.getName().equals("rotary.inv_freq")) {
        continue;
      }
      String file = "w" + (k++) + ".f32";
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      byte[] bytes = new byte[raw.remaining()];
      raw.get(bytes);
      Files.write(dir.resolve(file), bytes);
      JsonObject p = new JsonObject();
      p.addProperty("name", t.getName());
      JsonArray shape = new JsonArray();
      long n = 1;
      for (long d : t.getDimsList()) {
        shape.add(d);
        n *= d;
      }
      p.add("shape", shape);
      p.addProperty("file", file);
      p.addProperty("trainable", isTrain);
      ps.add(p);
      count += isTrain ? n : 0;
    }
    man.add("params", ps);
    Data d = data(batch, seq);
    Gson gson = new Gson();
    JsonObject b = new JsonObject();
    b.add("input_ids", gson.toJsonTree(rows(d.ids(), seq)));
    b.add("attention_mask", gson.toJsonTree(rows(d.mask(), seq)));
    b.add("position_ids", gson.toJsonTree(rows(d.pos(), seq)));
    b.add("labels", gson.toJsonTree(rows(d.labels(), seq)));
    float[][] w = new float[batch][seq];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(d.weights(), i * seq, w[i], 0, seq);
    }
    b.add("label_weights", gson.toJsonTree(w));
    man.add("batch", b);
    JsonObject adam = new JsonObject();
    adam.addProperty("lr", LR);
    adam.addProperty("weight_decay", WEIGHT_DECAY);
    adam.addProperty("max_norm", MAX_NORM);
    man.add("adam", adam);
    man.addProperty("steps", steps);
    man.addProperty("warmup", warmup);
    man.addProperty("threads", threads);
    Files.writeString(dir.resolve("manifest.json"), gson.toJson(man));
    return count;
  }

  static long[][] rows(long[] a, int seq) {
    long[][] r = new long[a.length / seq][seq];
    for (int i = 0; i < r.length; i++) {
      System.arraycopy(a, i * seq, r[i], 0, seq);
    }
    return r;
  }

  static JsonObject runTorch(String python, Path dir, int threads) throws Exception {
    if (!Files.isExecutable(Path.of(python))) {
      System.out.println("       (PyTorch side skipped: " + python + " not found)");
      return null;
    }
    Path script = dir.resolve("train_step_torch.py");
    try (InputStream in = TrainingStepBenchmark.class.getResourceAsStream("train_step_torch.py")) {
      Files.write(script, in.readAllBytes());
    }
    return run(List.of(python, script.toString(), dir.toString()), "the PyTorch worker");
  }

  static JsonObject run(List<String> cmd, String what) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed:\n" + out);
    }
    String[] lines = out.strip().split("\n");
    return new Gson().fromJson(lines[lines.length - 1], JsonObject.class);
  }

  static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
