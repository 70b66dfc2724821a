package io.rstar4j.bench.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Encode throughput of the pure-Java tokenizer against the Hugging Face (Rust) tokenizer through
 * DJL, on the same texts, in one run, single-threaded, one text per call, no special tokens.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *     io.rstar4j.bench.tokenizer.TokenizerBenchmark [--tokenizer FILE] [--texts DIR_OR_FILE] [--seconds S] [--rounds R]
 * </pre>
 *
 * Defaults: the Qwen3 tokenizer fetched by {@code .ci/install.d/20-test-assets.sh}, every question
 * of {@code rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks/*.json}, 3 s per
 * measurement, 3 rounds (ours and the reference alternate; the best round of each is reported).
 */
public final class TokenizerBenchmark {

  private TokenizerBenchmark() {}

  @Command(
      name = "TokenizerBenchmark",
      description = "encode throughput: ours against Hugging Face")
  static final class Options {
    @Option(
        names = "--tokenizer",
        paramLabel = "FILE",
        description = "a tokenizer.json (default: the Qwen3 test asset)")
    Path tokenizer;

    @Option(
        names = "--texts",
        paramLabel = "DIR_OR_FILE",
        description =
            "benchmark JSON files or a text file (default: the shipped benchmark questions)")
    Path texts;

    @Option(
        names = "--seconds",
        paramLabel = "S",
        defaultValue = "3",
        description = "seconds per measurement (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(
        names = "--rounds",
        paramLabel = "R",
        defaultValue = "3",
        description = "rounds, ours and the reference alternating (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    Path tokenizerFile = opts.tokenizer;
    Path texts = opts.texts;
    double seconds = opts.seconds;
    int rounds = opts.rounds;
    if (tokenizerFile == null) {
      tokenizerFile = findUp(".cache/test-assets/tokenizer-qwen3/tokenizer.json");
    }
    if (texts == null) {
      texts = findUp("rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks");
    }
    List<String> corpus = load(texts);
    long bytes = 0;
    for (String s : corpus) {
      bytes += s.getBytes(StandardCharsets.UTF_8).length;
    }
    System.out.printf(
        Locale.ROOT,
        "tokenizer %s%ntexts %d from %s, %.2f MB UTF-8%n",
        tokenizerFile,
        corpus.size(),
        texts,
        bytes / 1e6);
    System.out.printf(
        Locale.ROOT,
        "java %s, %d cpus%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());

    long t0 = System.nanoTime();
    Tokenizer ours = Tokenizers.fromFile(tokenizerFile);
    System.out.printf(Locale.ROOT, "ours: loaded in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    t0 = System.nanoTime();
    HuggingFaceTokenizer ref =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerFile)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build();
    System.out.printf(
        Locale.ROOT, "reference: loaded in %.0f ms%n", (System.nanoTime() - t0) / 1e6);

    // same ids, and the cold-cache pass of a fresh tokenizer
    long tokens = 0;
    t0 = System.nanoTime();
    List<int[]> oursIds = new ArrayList<>(corpus.size());
    for (String s : corpus) {
      int[] ids = ours.encode(s);
      oursIds.add(ids);
      tokens += ids.length;
    }
    double coldSec = (System.nanoTime() - t0) / 1e9;
    int differ = 0;
    for (int i = 0; i < corpus.size(); i++) {
      long[] want = ref.encode(corpus.get(i), false, false).getIds();
      if (!Arrays.equals(Arrays.stream(oursIds.get(i)).asLongStream().toArray(), want)) {
        differ++;
      }
    }
    System.out.printf(
        Locale.ROOT, "%d tokens; texts whose ids differ from the reference: %d%n", tokens, differ);
    System.out.printf(
        Locale.ROOT,
        "ours, first pass (cold word cache, JIT warming): %7.2f MB/s %10.0f tokens/s%n",
        bytes / 1e6 / coldSec,
        tokens / coldSec);

    // DJL's encode() builds a full Encoding (tokens, offsets, masks: several JNI calls); the
    // "ids only" variant calls the native encode and fetches just the ids, the fairest baseline
    long handle = ref.getHandle();
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    double bestOurs = 0;
    double bestRef = 0;
    double bestIdsOnly = 0;
    for (int r = 1; r <= rounds; r++) {
      double o = measure(corpus, seconds, s -> ours.encode(s).length);
      double h = measure(corpus, seconds, s -> ref.encode(s, false, false).getIds().length);
      double j =
          measure(
              corpus,
              seconds,
              s -> {
                long enc = lib.encode(handle, s, false);
                int n = lib.getTokenIds(enc).length;
                lib.deleteEncoding(enc);
                return n;
              });
      bestOurs = Math.max(bestOurs, o);
      bestRef = Math.max(bestRef, h);
      bestIdsOnly = Math.max(bestIdsOnly, j);
      System.out.printf(
          Locale.ROOT,
          "round %d: ours %7.2f MB/s %10.0f tokens/s | reference encode() %7.2f MB/s %10.0f tokens/s"
              + " | reference ids only %7.2f MB/s %10.0f tokens/s%n",
          r,
          bytes * o / 1e6,
          tokens * o,
          bytes * h / 1e6,
          tokens * h,
          bytes * j / 1e6,
          tokens * j);
    }
    System.out.printf(
        Locale.ROOT,
        "best: ours %.2f MB/s (%.0f tokens/s); reference encode() %.2f MB/s (%.0f tokens/s);"
            + " reference ids only %.2f MB/s (%.0f tokens/s); ours / ids-only reference = %.2f%n",
        bytes * bestOurs / 1e6,
        tokens * bestOurs,
        bytes * bestRef / 1e6,
        tokens * bestRef,
        bytes * bestIdsOnly / 1e6,
        tokens * bestIdsOnly,
        bestOurs / bestIdsOnly);

    // the reference's batch call runs on all cores (Rust threads): shown for context only
    String[] all = corpus.toArray(new String[0]);
    t0 = System.nanoTime();
    int passes = 0;
    do {
      ref.batchEncode(all, false, false);
      passes++;
    } while (System.nanoTime() - t0 < seconds * 1e9);
    double batchSec = (System.nanoTime() - t0) / 1e9 / passes;
    System.out.printf(
        Locale.ROOT,
        "context: reference batchEncode (multi-threaded) %7.2f MB/s%n",
        bytes / 1e6 / batchSec);
    ref.close();
  }

  /** Passes over the corpus per second, after one warm-up pass. */
  private static double measure(
      List<String> corpus, double seconds, java.util.function.ToIntFunction<String> f) {
    long sink = 0;
    for (String s : corpus) {
      sink += f.applyAsInt(s);
    }
    long t0 = System.nanoTime();
    int passes = 0;
    do {
      for (String s : corpus) {
        sink += f.applyAsInt(s);
      }
      passes++;
    } while (System.nanoTime() - t0 < seconds * 1e9);
    double sec = (System.nanoTime() - t0) / 1e9;
    if (sink == 42) {
      System.out.print("");
    }
    return passes / sec;
  }

  static List<String> load(Path p) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
      }
    } else {
      files.add(p);
    }
    List<String> out = new ArrayList<>();
    for (Path f : files) {
      String text = Files.readString(f);
      if (f.toString().endsWith(".json")) {
        for (JsonElement e : JsonParser.parseString(text).getAsJsonArray()) {
          out.add(e.getAsJsonObject().get("question").getAsString());
        }
      } else {
        out.addAll(text.lines().toList());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no texts in " + p);
    }
    return out;
  }

  static Path findUp(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new IllegalArgumentException(
        relative
            + " not found above "
            + Path.of("").toAbsolutePath()
            + " (for the tokenizer: bash .ci/install.d/20-test-assets.sh)");
  }
}
