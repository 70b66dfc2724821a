package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.http.OpenAiCompatiblePolicy;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.Benchmarks;
import io.rstar4j.train.evolve.SolveOutcome;
import io.rstar4j.train.evolve.SolveProgress;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The options {@code solve}, {@code eval} and {@code evolve} share, and what they build. */
final class SearchSetup {

  /** Flags with a value every search command takes. */
  static final Set<String> VALUE_FLAGS =
      Set.of(
          "problems",
          "limit",
          "model",
          "server",
          "server-model",
          "api-key",
          "verifier",
          "rollouts",
          "n",
          "max-depth",
          "batch-problems",
          "max-tokens",
          "temperature",
          "seed",
          "provider",
          "timeout-ms");

  static final String POLICY_USAGE =
      String.join(
          "\n",
          "  --problems FILE|NAME  a JSON array of {\"index\",\"question\",\"answer\"} (or JSON lines), or a",
          "                        shipped benchmark: math500, gsm8k, MATH, aime2024, amc23, collegemath,",
          "                        gaokao2023en, olympiadbench, omni",
          "  --limit K             the first K problems only",
          "  --model DIR           a local ONNX causal LM export (model.onnx, tokenizer.json, config.json)",
          "  --server URL          an OpenAI-compatible server (vLLM, SGLang) serving the policy, with",
          "  --server-model NAME   the served model's name (API key: --api-key or $OPENAI_API_KEY)",
          "  --verifier V          graalpy (in-process, default) or cpython (python3 worker processes)",
          "  --timeout-ms T        per-step code timeout (default 2000)",
          "  --rollouts N          rollouts per problem (default: the mode's preset)",
          "  --n N                 candidates per expansion (default: the mode's preset)",
          "  --max-depth D         the depth limit (default 16)",
          "  --batch-problems B    problems searched together in lock-step (default 16)",
          "  --max-tokens M        tokens per generated step (default 1024)",
          "  --temperature T       sampling temperature (default 0.7); --seed S for repeatable sampling",
          "  --provider P          auto, cpu or cuda for --model (default auto)");

  private SearchSetup() {}

  /** The problems of {@code --problems}, cut to {@code --limit}. */
  static List<Problem> problems(Args a) throws IOException {
    String spec = a.require("problems");
    int limit = a.getInt("limit", Integer.MAX_VALUE);
    if (limit < 1) {
      throw new UsageException("--limit must be >= 1, was " + limit);
    }
    List<Problem> ps = Benchmarks.load(spec);
    return ps.size() > limit ? ps.subList(0, limit) : ps;
  }

  /** Checks that exactly one policy source is given. */
  static void checkPolicyFlags(Args a) {
    if (a.has("model") == a.has("server")) {
      throw new UsageException("give exactly one of --model DIR and --server URL");
    }
    if (a.has("server") && !a.has("server-model")) {
      throw new UsageException("--server needs --server-model NAME");
    }
    if (a.has("model") && !Files.isDirectory(Path.of(a.get("model", "")))) {
      throw new UsageException("no such model directory: " + a.get("model", ""));
    }
  }

  /** The policy of {@code --model} (or {@code modelDir} when not null) or {@code --server}. */
  static Policy policy(Args a, Path modelDir) throws IOException {
    double temperature = a.getDouble("temperature", 0.7);
    int maxTokens = a.getInt("max-tokens", 1024);
    try {
      if (modelDir != null || a.has("model")) {
        ProviderChoice provider;
        try {
          provider = ProviderChoice.valueOf(a.get("provider", "auto").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--provider must be auto, cpu or cuda");
        }
        Path dir = modelDir != null ? modelDir : Path.of(a.get("model", null));
        CausalLm lm = CausalLm.builder(dir).provider(provider).build();
        OnnxPolicy.Builder b = OnnxPolicy.builder(lm).temperature(temperature).maxTokens(maxTokens);
        if (a.has("seed")) {
          b.seed(a.getInt("seed", 0));
        }
        return b.build();
      }
      OpenAiCompatiblePolicy.Builder b =
          OpenAiCompatiblePolicy.builder()
              .baseUrl(a.get("server", null))
              .model(a.get("server-model", null))
              .temperature(temperature)
              .maxTokens(maxTokens);
      String key = a.get("api-key", System.getenv("OPENAI_API_KEY"));
      if (key != null && !key.isBlank()) {
        b.apiKey(key);
      }
      if (a.has("seed")) {
        b.seed(a.getInt("seed", 0));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The verifier of {@code --verifier}. */
  static Verifier verifier(Args a) throws IOException {
    String v = a.get("verifier", "graalpy").toLowerCase(Locale.ROOT);
    int ms = a.getInt("timeout-ms", 2000);
    if (ms < 1) {
      throw new UsageException("--timeout-ms must be >= 1");
    }
    switch (v) {
      case "graalpy":
        {
          GraalPyVerifier g = GraalPyVerifier.builder().timeout(Duration.ofMillis(ms)).build();
          // the first context's start-up (seconds) must not count against the first programs
          g.awaitReady(Duration.ofMinutes(3));
          return g;
        }
      case "cpython":
        return CPythonVerifier.builder().timeout(Duration.ofMillis(ms)).build();
      default:
        throw new UsageException("--verifier must be graalpy or cpython, was '" + v + "'");
    }
  }

  /** The reward model of {@code --ppm DIR}, or null without one. */
  static RewardModel ppm(Args a) throws IOException {
    if (!a.has("ppm")) {
      return null;
    }
    Path dir = Path.of(a.get("ppm", null));
    if (!Files.isDirectory(dir)) {
      throw new UsageException("no such PPM directory: " + dir);
    }
    return ProcessPreferenceModel.load(dir, Tokenizers::fromFile, null);
  }

  /** The mode's preset with {@code --rollouts}, {@code --n} and {@code --max-depth} applied. */
  static SearchConfig config(Args a, SearchConfig preset) {
    try {
      SearchConfig.Builder b = preset.toBuilder();
      if (a.has("rollouts")) {
        b.rollouts(a.getInt("rollouts", 0));
      }
      if (a.has("n")) {
        b.candidates(a.getInt("n", 0));
      }
      if (a.has("max-depth")) {
        b.engine(preset.engine().toBuilder().maxDepth(a.getInt("max-depth", 0)).build());
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The preset of a mode. */
  static SearchConfig preset(SearchMode mode) {
    switch (mode) {
      case TERMINAL_GUIDED:
        return SearchConfig.bootstrapRound();
      case PPM_AUGMENTED:
        return SearchConfig.ppmAugmentedRound();
      default:
        return SearchConfig.testTime();
    }
  }

  static int batchProblems(Args a) {
    int b = a.getInt("batch-problems", 16);
    if (b < 1) {
      throw new UsageException("--batch-problems must be >= 1, was " + b);
    }
    return b;
  }

  /** One problem's JSON line: {@code {"id", "answer", "correct", "score"}}. */
  static String outcomeLine(SolveOutcome o) {
    JsonObject j = new JsonObject();
    j.addProperty("id", o.id());
    j.addProperty("answer", o.answer());
    j.addProperty("correct", o.correct());
    j.addProperty("score", Double.isNaN(o.score()) ? null : o.score());
    return new com.google.gson.GsonBuilder()
        .serializeNulls()
        .disableHtmlEscaping()
        .create()
        .toJson(j);
  }

  /** Prints a progress line on stderr. */
  static void progress(PrintStream err, String command, SolveProgress p) {
    err.println("rstar " + command + ": " + p.describe());
    err.flush();
  }

  static void closeQuietly(AutoCloseable c, PrintStream err) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      err.println("warning: closing " + c.getClass().getSimpleName() + " failed: " + e);
    }
  }
}
