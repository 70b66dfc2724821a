package io.rstar4j.bench.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steady-state encode time of one pass over the benchmark questions, single-threaded, one text per
 * call, no special tokens: the pure-Java tokenizer against the Hugging Face (Rust) one through DJL.
 * {@link TokenizerBenchmark} stays the harness that checks the ids agree and reports MB/s, the cold
 * first pass and the ratio.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EncodeBenchmark -f 1 -wi 3 -i 5} (needs
 * the Qwen3 tokenizer of {@code .ci/install.d/20-test-assets.sh}, or {@code -p tokenizer=FILE})
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class EncodeBenchmark {

  /** ours (pure Java) or reference (Hugging Face tokenizers through DJL). */
  @Param({"ours", "reference"})
  public String impl;

  /** A tokenizer.json; empty: the Qwen3 test asset found above the working directory. */
  @Param({""})
  public String tokenizer;

  /** The texts: benchmark JSON files or a text file; empty: the shipped benchmark questions. */
  @Param({""})
  public String texts;

  private List<String> corpus;
  private ToIntFunction<String> encode;
  private HuggingFaceTokenizer reference;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path file =
        tokenizer.isEmpty()
            ? TokenizerBenchmark.findUp(".cache/test-assets/tokenizer-qwen3/tokenizer.json")
            : Path.of(tokenizer);
    corpus =
        TokenizerBenchmark.load(
            texts.isEmpty()
                ? TokenizerBenchmark.findUp(
                    "rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks")
                : Path.of(texts));
    switch (impl) {
      case "ours" -> {
        Tokenizer t = Tokenizers.fromFile(file);
        encode = s -> t.encode(s).length;
      }
      case "reference" -> {
        reference =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        encode = s -> reference.encode(s, false, false).getIds().length;
      }
      default -> throw new IllegalArgumentException("impl must be ours or reference: " + impl);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    if (reference != null) {
      reference.close();
    }
  }

  /** One pass over the corpus; returns the token count. */
  @Benchmark
  public long encodeCorpus() {
    long tokens = 0;
    for (String s : corpus) {
      tokens += encode.applyAsInt(s);
    }
    return tokens;
  }
}
