package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.Completion;
import io.rstar4j.core.model.GenerationConfig;
import io.rstar4j.core.model.GenerationResult;
import io.rstar4j.core.model.ProviderChoice;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar generate --model DIR --prompt TEXT}: samples continuations of a prompt with a local
 * ONNX causal LM export and prints one JSON line per sample.
 */
@Command(
    name = "generate",
    description = {
      "sample continuations of a prompt with an ONNX causal LM export",
      "",
      "DIR holds model.onnx, tokenizer.json and config.json (a Hugging Face Optimum export with past"
          + " key values, or what `rstar make-tiny-model` writes). Prints one JSON line per sample,"
          + " in order: {\"index\", \"text\", \"stop_reason\", \"prompt_tokens\","
          + " \"completion_tokens\"}; timing goes to stderr."
    })
public final class GenerateCommand implements RstarCommand {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "the export")
  Path dir;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt")
  String prompt;

  @Option(
      names = "--prompt-file",
      paramLabel = "FILE",
      description = "read the prompt from FILE (UTF-8, taken as is); instead of --prompt")
  Path promptFile;

  @Option(
      names = "--n",
      paramLabel = "K",
      defaultValue = "1",
      description = "samples (default ${DEFAULT-VALUE}); they share the prompt's prefill")
  int n;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0.7",
      description = "0 for greedy (default ${DEFAULT-VALUE})")
  double temperature;

  @Option(
      names = "--max-tokens",
      paramLabel = "M",
      defaultValue = "128",
      description = "tokens per sample (default ${DEFAULT-VALUE})")
  int maxTokens;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description = "nucleus mass in (0, 1] (default ${DEFAULT-VALUE})")
  double topP;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "keep the K most likely tokens, 0 for all (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "sampling seed (same seed, same samples)")
  Long seed;

  @Option(
      names = "--stop",
      paramLabel = "STRING",
      description = "stop after this text (kept at the end of the sample)")
  String stop;

  @Option(
      names = "--step-stops",
      arity = "0",
      description = "stop at the rStar step tags <end_of_step>, <end_of_code>, <end_of_answer>")
  boolean stepStops;

  @Option(
      names = "--provider",
      paramLabel = "auto|cpu|cuda",
      defaultValue = "auto",
      description = "auto (CUDA when usable, else CPU; default), cpu or cuda")
  String providerName;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (prompt != null && promptFile != null) {
      throw new UsageException("--prompt and --prompt-file are mutually exclusive: give one");
    }
    if (prompt == null && promptFile == null) {
      throw new UsageException("missing required option --prompt or --prompt-file");
    }
    if (n < 1) {
      throw new UsageException("--n must be >= 1, was " + n);
    }
    SamplingParams.Builder cfg = SamplingParams.builder();
    List<String> stops = new ArrayList<>();
    try {
      cfg.temperature(temperature).maxTokens(maxTokens).topP(topP).topK(topK);
      if (seed != null) {
        cfg.seed(seed);
      }
      if (stop != null) {
        stops.add(stop);
      }
      if (stepStops) {
        stops.addAll(StepFormat.STOP_STRINGS);
      }
      cfg.stopStrings(stops);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    ProviderChoice provider;
    try {
      provider = ProviderChoice.valueOf(providerName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--provider must be auto, cpu or cuda");
    }
    if (promptFile != null) {
      try {
        prompt = Files.readString(promptFile, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        err.println("rstar generate: --prompt-file " + promptFile + ": no such file");
        return 1;
      } catch (MalformedInputException e) {
        err.println("rstar generate: --prompt-file " + promptFile + ": not UTF-8 text");
        return 1;
      } catch (IOException e) {
        err.println(
            "rstar generate: --prompt-file "
                + promptFile
                + ": cannot read: "
                + (Files.isDirectory(promptFile) ? "it is a directory" : e.getMessage()));
        return 1;
      }
    }
    if (prompt.isEmpty()) {
      err.println("rstar generate: the prompt is empty");
      return 1;
    }
    long t0 = System.nanoTime();
    try (CausalLm lm = CausalLm.builder(dir).provider(provider).build()) {
      long t1 = System.nanoTime();
      GenerationResult r = lm.generate(prompt, n, GenerationConfig.of(cfg.build()));
      long t2 = System.nanoTime();
      int j = 0;
      for (Completion c : r.completions()) {
        JsonObject o = new JsonObject();
        o.addProperty("index", j++);
        o.addProperty("text", c.text());
        o.addProperty("stop_reason", c.stopReason().name().toLowerCase(Locale.ROOT));
        o.addProperty("prompt_tokens", r.promptTokens());
        o.addProperty("completion_tokens", c.completionTokens());
        out.println(JsonLines.toLine(o));
      }
      double secs = (t2 - t1) / 1e9;
      err.printf(
          Locale.ROOT,
          "loaded in %.2f s on %s; %d prompt + %d generated tokens in %.3f s (%.1f tokens/s)%n",
          (t1 - t0) / 1e9,
          lm.provider(),
          r.promptTokens(),
          r.completionTokens(),
          secs,
          r.completionTokens() / Math.max(secs, 1e-9));
    }
    return 0;
  }
}
