package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.Completion;
import io.rstar4j.core.model.GenerationConfig;
import io.rstar4j.core.model.GenerationResult;
import io.rstar4j.core.model.ProviderChoice;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code rstar generate --model DIR --prompt TEXT}: samples continuations of a prompt with a local
 * ONNX causal LM export and prints one JSON line per sample.
 */
public final class GenerateCommand implements Command {

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "sample continuations of a prompt with an ONNX causal LM export";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar generate --model DIR --prompt TEXT [--n K] [--temperature T]",
        "                      [--max-tokens M] [--top-p P] [--top-k K] [--seed S]",
        "                      [--stop STRING] [--step-stops] [--provider auto|cpu|cuda]",
        "",
        "DIR holds model.onnx, tokenizer.json and config.json (a Hugging Face Optimum export with",
        "past key values, or what `rstar make-tiny-model` writes). Prints one JSON line per sample,",
        "in order: {\"index\", \"text\", \"stop_reason\", \"prompt_tokens\", \"completion_tokens\"};",
        "timing goes to stderr.",
        "",
        "options:",
        "  --n K            samples (default 1); they share the prompt's prefill",
        "  --temperature T  0 for greedy (default 0.7)",
        "  --max-tokens M   tokens per sample (default 128)",
        "  --top-p P        nucleus mass in (0, 1] (default 1)",
        "  --top-k K        keep the K most likely tokens, 0 for all (default 0)",
        "  --seed S         sampling seed (same seed, same samples)",
        "  --stop STRING    stop after this text (kept at the end of the sample)",
        "  --step-stops     stop at the rStar step tags <end_of_step>, <end_of_code>,",
        "                   <end_of_answer>",
        "  --provider P     auto (CUDA when usable, else CPU; default), cpu or cuda");
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Args a =
        Args.parse(
            args,
            Set.of(
                "model",
                "prompt",
                "n",
                "temperature",
                "max-tokens",
                "top-p",
                "top-k",
                "seed",
                "stop",
                "provider"),
            Set.of("step-stops"));
    if (!a.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    Path dir = Path.of(a.require("model"));
    String prompt = a.require("prompt");
    int n = a.getInt("n", 1);
    if (n < 1) {
      throw new UsageException("--n must be >= 1, was " + n);
    }
    SamplingParams.Builder cfg = SamplingParams.builder();
    List<String> stops = new ArrayList<>();
    try {
      cfg.temperature(a.getDouble("temperature", 0.7))
          .maxTokens(a.getInt("max-tokens", 128))
          .topP(a.getDouble("top-p", 1.0))
          .topK(a.getInt("top-k", 0));
      if (a.has("seed")) {
        cfg.seed(parseLong(a.get("seed", null)));
      }
      if (a.has("stop")) {
        stops.add(a.get("stop", null));
      }
      if (a.has("step-stops")) {
        stops.addAll(StepFormat.STOP_STRINGS);
      }
      cfg.stopStrings(stops);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    ProviderChoice provider;
    try {
      provider = ProviderChoice.valueOf(a.get("provider", "auto").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--provider must be auto, cpu or cuda");
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
        out.println(o);
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

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--seed must be an integer, was '" + s + "'");
    }
  }
}
