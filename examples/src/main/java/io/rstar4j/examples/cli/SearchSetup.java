package io.rstar4j.examples.cli;

import com.google.gson.JsonObject;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.http.EndpointStats;
import io.rstar4j.core.http.HttpRewardModel;
import io.rstar4j.core.http.OpenAiCompatiblePolicy;
import io.rstar4j.core.io.OutputPaths;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.core.tree.TreePage;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.Benchmarks;
import io.rstar4j.train.evolve.Rerun;
import io.rstar4j.train.evolve.RunMismatchException;
import io.rstar4j.train.evolve.SolveOutcome;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.ValueHead;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options {@code solve}, {@code eval} and {@code evolve} share, and what they build. */
final class SearchSetup {

  /** The flags every search command takes: a picocli mixin. */
  static final class Options {
    @Option(
        names = "--problems",
        required = true,
        paramLabel = "FILE|NAME",
        description =
            "a JSON array of {\"index\",\"question\",\"answer\"} (or JSON lines), or a shipped"
                + " benchmark: math500, gsm8k, MATH, aime2024, amc23, collegemath, gaokao2023en,"
                + " olympiadbench, omni")
    String problems;

    @Option(names = "--limit", paramLabel = "K", description = "the first K problems only")
    Integer limit;

    @Option(
        names = "--model",
        paramLabel = "DIR",
        description = "a local ONNX causal LM export (model.onnx, tokenizer.json, config.json)")
    String model;

    @Option(
        names = "--server",
        paramLabel = "URL",
        description =
            "an OpenAI-compatible server (vLLM, SGLang) serving the policy, with; give it several"
                + " times for a fleet: each request goes to the least loaded server, one that"
                + " fails is left out a while")
    List<String> server;

    @Option(
        names = "--servers",
        paramLabel = "FILE",
        description = "a file of policy server URLs, one a line ('#' starts a comment)")
    String serversFile;

    @Option(
        names = "--max-in-flight",
        paramLabel = "K",
        defaultValue = "32",
        description = "policy requests in flight per server at most (default ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(
        names = "--ppm-server",
        paramLabel = "URL",
        description =
            "a served PPM (vLLM or SGLang) scoring the steps, instead of --ppm DIR; several for a"
                + " fleet")
    List<String> ppmServer;

    @Option(
        names = "--ppm-api",
        paramLabel = "API",
        defaultValue = "vllm-reward",
        description =
            "what --ppm-server speaks: vllm-reward (POST /pooling, a served score r, reported as"
                + " tanh(r/5)), vllm-embed (POST /pooling, the last token's hidden state; needs"
                + " --value-head) or sglang (POST /classify); default ${DEFAULT-VALUE}")
    String ppmApi;

    @Option(
        names = "--value-head",
        paramLabel = "FILE|DIR",
        description = "the value_head.json (or the PPM directory holding it) for vllm-embed")
    String valueHead;

    @Option(
        names = "--ppm-server-model",
        paramLabel = "NAME",
        description = "the served PPM's name (default: the server's only model)")
    String ppmServerModel;

    @Option(
        names = "--server-model",
        paramLabel = "NAME",
        description = "the served model's name (API key: --api-key or $OPENAI_API_KEY)")
    String serverModel;

    @Option(
        names = "--api-key",
        paramLabel = "KEY",
        description = "the server's API key (default: $OPENAI_API_KEY)")
    String apiKey;

    @Option(
        names = "--verifier",
        paramLabel = "V",
        defaultValue = "graalpy",
        description = "graalpy (in-process, default) or cpython (python3 worker processes)")
    String verifier;

    @Option(
        names = "--timeout-ms",
        paramLabel = "T",
        defaultValue = "2000",
        description = "per-step code timeout (default ${DEFAULT-VALUE})")
    int timeoutMs;

    @Option(
        names = "--rollouts",
        paramLabel = "N",
        description = "rollouts per problem (default: the mode's preset)")
    Integer rollouts;

    @Option(
        names = "--n",
        paramLabel = "N",
        description = "candidates per expansion (default: the mode's preset)")
    Integer n;

    @Option(names = "--max-depth", paramLabel = "D", description = "the depth limit (default 16)")
    Integer maxDepth;

    @Option(
        names = "--batch-problems",
        paramLabel = "B",
        defaultValue = "16",
        description = "problems searched together in lock-step (default ${DEFAULT-VALUE})")
    int batchProblems;

    @Option(
        names = "--max-tokens",
        paramLabel = "M",
        defaultValue = "1024",
        description = "tokens per generated step (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(
        names = "--temperature",
        paramLabel = "T",
        defaultValue = "0.7",
        description = "sampling temperature (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "seed for repeatable sampling")
    Integer seed;

    @Option(
        names = "--provider",
        paramLabel = "P",
        defaultValue = "auto",
        description = "auto, cpu or cuda for --model (default ${DEFAULT-VALUE})")
    String provider;

    @Option(
        names = "--restart",
        arity = "0",
        description =
            "when the output was written with other settings: move it aside (NAME.old-TIME) and"
                + " start over")
    boolean restart;

    @Option(
        names = "--extend",
        arity = "0",
        description =
            "when only the problem set changed: keep the saved trees, search the new problems;"
                + " a round's data come from its own problems only")
    boolean extend;
  }

  /** What {@code --restart} and {@code --extend} ask for. */
  static Rerun rerun(Options a) {
    if (a.restart && a.extend) {
      throw new UsageException("--restart and --extend are mutually exclusive: give one");
    }
    return a.restart ? Rerun.RESTART : a.extend ? Rerun.EXTEND : Rerun.RESUME;
  }

  /**
   * The settings besides the problem set and the search configuration that decide a run's trees:
   * the policy, its sampling, the seed and the verifier (recorded in the output's fingerprint).
   */
  static Map<String, String> fingerprint(Options a, String ppm) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "policy",
        a.model != null
            ? "model " + realPath(Path.of(a.model))
            : "server " + a.server + " model " + a.serverModel);
    m.put("temperature", Double.toString(a.temperature));
    m.put("max_tokens", Integer.toString(a.maxTokens));
    m.put("seed", a.seed == null ? "none" : Integer.toString(a.seed));
    m.put("verifier", a.verifier.toLowerCase(Locale.ROOT) + " " + a.timeoutMs + " ms");
    if (ppm != null) {
      m.put("ppm", realPath(Path.of(ppm)));
    }
    return m;
  }

  private static String realPath(Path p) {
    try {
      return p.toRealPath().toString();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize().toString();
    }
  }

  /**
   * Refuses outputs that are inputs or each other (a usage error) and outputs that cannot be
   * written, before any model or sandbox starts.
   *
   * @throws UsageException for overlapping paths
   * @throws IllegalStateException naming the path, why and what to do, for unwritable ones
   */
  static void checkOutputs(OutputPaths paths) {
    try {
      paths.checkDistinct();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    paths.checkWritable();
  }

  /** The problems file of {@code --problems}, when it names a file (not a shipped benchmark). */
  static Path problemsFile(Options a) {
    Path p = Path.of(a.problems);
    return Files.exists(p) ? p : null;
  }

  /** A refused rerun, with the flags that resolve it. */
  static String describe(RunMismatchException e, String outputFlag) {
    return e.output()
        + " was written by a run with other settings: "
        + String.join("; ", e.differences())
        + ". Rerun with the same options to resume it, --restart to start over (the old run is"
        + " moved aside)"
        + (e.extendable() ? ", --extend to add the new problems to it" : "")
        + ", or give another "
        + outputFlag;
  }

  private SearchSetup() {}

  /** The problems of {@code --problems}, cut to {@code --limit}. */
  static List<Problem> problems(Options a) throws IOException {
    String spec = a.problems;
    int limit = a.limit != null ? a.limit : Integer.MAX_VALUE;
    if (limit < 1) {
      throw new UsageException("--limit must be >= 1, was " + limit);
    }
    List<Problem> ps = Benchmarks.load(spec);
    return ps.size() > limit ? ps.subList(0, limit) : ps;
  }

  /** Checks that exactly one policy source is given. */
  static void checkPolicyFlags(Options a) {
    boolean servers = a.server != null || a.serversFile != null;
    if ((a.model != null) == servers) {
      throw new UsageException("give exactly one of --model DIR and --server URL");
    }
    if (servers && a.serverModel == null) {
      throw new UsageException("--server needs --server-model NAME");
    }
    if (a.maxInFlight < 1) {
      throw new UsageException("--max-in-flight must be >= 1, was " + a.maxInFlight);
    }
    if (a.serversFile != null && !Files.isRegularFile(Path.of(a.serversFile))) {
      throw new UsageException("no such file of server URLs: " + a.serversFile);
    }
    if (a.model != null && !Files.isDirectory(Path.of(a.model))) {
      throw new UsageException("no such model directory: " + a.model);
    }
  }

  /** The policy of {@code --model} (or {@code modelDir} when not null) or {@code --server}. */
  static Policy policy(Options a, Path modelDir) throws IOException {
    return policy(a, modelDir, 1);
  }

  /**
   * The policy and, when asked for, its greedy twin (temperature 0): {policy, greedy or null}. The
   * twin is a second policy of its own (a local model is loaded twice); close both.
   */
  static Policy[] policies(Options a, Path modelDir, boolean greedyTwin) throws IOException {
    Policy main = policy(a, modelDir, 1);
    if (!greedyTwin) {
      return new Policy[] {main, null};
    }
    double t = a.temperature;
    a.temperature = 0;
    try {
      return new Policy[] {main, policy(a, modelDir, 1)};
    } catch (IOException | RuntimeException e) {
      main.close();
      throw e;
    } finally {
      a.temperature = t;
    }
  }

  /**
   * The policy for {@code searches} independent searches of each problem (problem ids {@code ID#k},
   * as {@code eval --searches} names them): the k-th search samples with the seed derived from
   * ({@code --seed}, k) ({@link SamplingParams#forSearch}), for a local model (loaded once) and a
   * server alike.
   */
  static Policy policy(Options a, Path modelDir, int searches) throws IOException {
    double temperature = a.temperature;
    int maxTokens = a.maxTokens;
    try {
      if (modelDir != null || a.model != null) {
        ProviderChoice provider;
        try {
          provider = ProviderChoice.valueOf(a.provider.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new UsageException("--provider must be auto, cpu or cuda");
        }
        Path dir = modelDir != null ? modelDir : Path.of(a.model);
        SamplingParams.Builder s =
            SamplingParams.stepSearch().toBuilder().temperature(temperature).maxTokens(maxTokens);
        if (a.seed != null) {
          s.seed(a.seed);
        }
        SamplingParams sampling = s.build();
        CausalLm lm = CausalLm.builder(dir).provider(provider).build();
        if (searches == 1) {
          return OnnxPolicy.builder(lm).sampling(sampling).build();
        }
        List<Policy> each = new java.util.ArrayList<>();
        for (int k = 0; k < searches; k++) {
          each.add(OnnxPolicy.builder(lm).sampling(sampling.forSearch(k)).ownsModel(false).build());
        }
        return new PerSearchPolicy(each, lm);
      }
      // the HTTP policy's own default top-p (1), as before
      SamplingParams.Builder s =
          SamplingParams.stepSearch().toBuilder()
              .topP(1.0)
              .temperature(temperature)
              .maxTokens(maxTokens);
      if (a.seed != null) {
        s.seed(a.seed);
      }
      SamplingParams sampling = s.build();
      List<String> urls = serverUrls(a);
      List<Policy> each = new java.util.ArrayList<>();
      for (int k = 0; k < searches; k++) {
        OpenAiCompatiblePolicy.Builder b =
            OpenAiCompatiblePolicy.builder()
                .baseUrls(urls)
                .model(a.serverModel)
                .maxConcurrentRequests(a.maxInFlight * urls.size())
                .maxInFlightPerEndpoint(a.maxInFlight)
                .sampling(sampling.forSearch(k));
        String key = a.apiKey != null ? a.apiKey : System.getenv("OPENAI_API_KEY");
        if (key != null && !key.isBlank()) {
          b.apiKey(key);
        }
        each.add(b.build());
      }
      return searches == 1 ? each.get(0) : new PerSearchPolicy(each, null);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Every tree of a trees file (one JSON line each), in file order. */
  static List<ReasoningTree> readTrees(Path file) throws IOException {
    List<ReasoningTree> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    int line = 0;
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line++;
      if (l.isBlank()) {
        continue;
      }
      try {
        out.add(ReasoningTrees.fromJsonLine(l));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + " line " + line + ": not a saved tree (" + e.getMessage() + ")", e);
      }
    }
    return out;
  }

  /**
   * Writes the tree page of the given trees: each tree gets the gold answers of the problem with
   * its id (the part before {@code #k} for independent searches) to colour its answers, and, with a
   * PPM, each node's PPM score.
   */
  static void writeTreePage(
      Path file,
      String title,
      List<ReasoningTree> trees,
      List<Problem> problems,
      RewardModel rm,
      AnswerGrader grader)
      throws IOException {
    Map<String, Problem> byId = new HashMap<>();
    for (Problem p : problems) {
      byId.put(p.id(), p);
    }
    TreePage.Builder page = TreePage.builder(title);
    int added = 0;
    for (ReasoningTree t : trees) {
      String id = t.problem().id();
      Problem gold = byId.get(id);
      if (gold == null && id.contains("#")) {
        gold = byId.get(id.substring(0, id.lastIndexOf('#')));
      }
      ReasoningTree shown =
          gold != null && !t.problem().hasGold()
              ? ReasoningTree.of(
                  new Problem(id, t.problem().question(), gold.goldAnswers()), t.nodes())
              : t;
      page.add(shown, nodeScores(shown, rm), -1, grader);
      added++;
    }
    if (added == 0) {
      throw new IllegalArgumentException("no tree to show on the tree page " + file);
    }
    page.build().write(file);
  }

  /** Each node's PPM score (the root's NaN), or null without a PPM. */
  static double[] nodeScores(ReasoningTree t, RewardModel rm) {
    if (!(rm instanceof ProcessPreferenceModel ppm)) {
      return null;
    }
    List<String> prompts = new ArrayList<>();
    for (int i = 1; i < t.size(); i++) {
      prompts.add(ppm.promptOf(t.problem().question(), t.textTo(i)));
    }
    double[] s = prompts.isEmpty() ? new double[0] : ppm.scoreTexts(prompts);
    double[] out = new double[t.size()];
    out[0] = Double.NaN;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  /**
   * Routes each request to the policy of its search: problem {@code ID#k} to the k-th policy, a
   * batch split by search and put back in order.
   */
  static final class PerSearchPolicy implements Policy {
    private final List<Policy> each;
    private final AutoCloseable shared;

    PerSearchPolicy(List<Policy> each, AutoCloseable shared) {
      this.each = List.copyOf(each);
      this.shared = shared;
    }

    static int searchOf(String id, int searches) {
      int hash = id.lastIndexOf('#');
      if (hash < 0) {
        return 0;
      }
      try {
        int k = Integer.parseInt(id.substring(hash + 1));
        return k >= 0 && k < searches ? k : 0;
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public List<List<io.rstar4j.core.Generation>> propose(
        List<io.rstar4j.core.PolicyRequest> batch) {
      int n = each.size();
      List<List<io.rstar4j.core.PolicyRequest>> parts = new java.util.ArrayList<>();
      List<List<Integer>> where = new java.util.ArrayList<>();
      for (int k = 0; k < n; k++) {
        parts.add(new java.util.ArrayList<>());
        where.add(new java.util.ArrayList<>());
      }
      for (int i = 0; i < batch.size(); i++) {
        int k = searchOf(batch.get(i).problem().id(), n);
        parts.get(k).add(batch.get(i));
        where.get(k).add(i);
      }
      List<List<io.rstar4j.core.Generation>> out =
          new java.util.ArrayList<>(java.util.Collections.nCopies(batch.size(), null));
      for (int k = 0; k < n; k++) {
        if (parts.get(k).isEmpty()) {
          continue;
        }
        List<List<io.rstar4j.core.Generation>> got = each.get(k).propose(parts.get(k));
        if (got == null || got.size() != parts.get(k).size()) {
          throw new IllegalStateException(
              "Policy.propose must return one list per request: got "
                  + (got == null ? "null" : got.size() + " lists")
                  + " for "
                  + parts.get(k).size()
                  + " requests");
        }
        for (int j = 0; j < got.size(); j++) {
          out.set(where.get(k).get(j), got.get(j));
        }
      }
      return out;
    }

    @Override
    public void close() {
      for (Policy p : each) {
        p.close();
      }
      if (shared != null) {
        try {
          shared.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing the model failed: " + e.getMessage(), e);
        }
      }
    }
  }

  /** The verifier of {@code --verifier}. */
  static Verifier verifier(Options a) throws IOException {
    String v = a.verifier.toLowerCase(Locale.ROOT);
    int ms = a.timeoutMs;
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

  /** The policy servers of {@code --server} and {@code --servers FILE}, in order. */
  static List<String> serverUrls(Options a) throws IOException {
    List<String> urls = new ArrayList<>();
    if (a.server != null) {
      for (String u : a.server) {
        checkUrl("--server", u);
        urls.add(u.strip());
      }
    }
    if (a.serversFile != null) {
      Path f = Path.of(a.serversFile);
      if (!Files.isRegularFile(f)) {
        throw new UsageException("no such file of server URLs: " + f);
      }
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int hash = line.indexOf('#');
        String u = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (!u.isEmpty()) {
          checkUrl(f + ":" + (i + 1), u);
          urls.add(u);
        }
      }
      if (urls.isEmpty()) {
        throw new UsageException(f + ": no server URL in it (one URL a line)");
      }
    }
    Set<String> seen = new HashSet<>();
    for (String u : urls) {
      String key = u.replaceAll("/+$", "");
      if (!seen.add(key)) {
        throw new UsageException("server given twice: " + u);
      }
    }
    return urls;
  }

  private static void checkUrl(String where, String url) {
    try {
      OpenAiCompatiblePolicy.builder().baseUrl(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException(where + ": " + e.getMessage());
    }
  }

  /** Whether a PPM is given, by {@code --ppm DIR} or {@code --ppm-server URL}. */
  static boolean hasPpm(Options a, String ppm) {
    return ppm != null || a.ppmServer != null;
  }

  /**
   * Checks the PPM flags: at most one of {@code --ppm DIR} and {@code --ppm-server URL}, and the
   * served PPM's API, URLs and value head.
   *
   * @throws UsageException naming what does not fit
   */
  static void checkPpmFlags(Options a, String ppm) {
    if (ppm != null && a.ppmServer != null) {
      throw new UsageException("give one of --ppm DIR and --ppm-server URL, not both");
    }
    HttpRewardModel.Api api;
    try {
      api = HttpRewardModel.Api.parse(a.ppmApi);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--ppm-api: " + e.getMessage());
    }
    if (a.ppmServer == null) {
      if (a.valueHead != null || a.ppmServerModel != null) {
        throw new UsageException(
            (a.valueHead != null ? "--value-head" : "--ppm-server-model")
                + " goes with --ppm-server URL");
      }
      return;
    }
    for (String u : a.ppmServer) {
      checkUrl("--ppm-server", u);
    }
    if (api == HttpRewardModel.Api.VLLM_EMBED) {
      if (a.valueHead == null) {
        throw new UsageException(
            "--ppm-api vllm-embed needs --value-head FILE (the value_head.json of rstar"
                + " train-ppm)");
      }
      if (!Files.isRegularFile(valueHeadFile(a))) {
        throw new UsageException("no such value head file: " + valueHeadFile(a));
      }
    } else if (a.valueHead != null) {
      throw new UsageException("--value-head goes with --ppm-api vllm-embed");
    }
  }

  private static Path valueHeadFile(Options a) {
    Path f = Path.of(a.valueHead);
    return Files.isDirectory(f) ? f.resolve(ValueHead.FILE_NAME) : f;
  }

  /** The reward model of {@code --ppm DIR} or {@code --ppm-server URL}, or null without one. */
  static RewardModel ppm(Options a, String ppm) throws IOException {
    checkPpmFlags(a, ppm);
    return a.ppmServer != null ? servedPpm(a) : ppm(ppm);
  }

  /** The served PPM of {@code --ppm-server}, or null without one. */
  static HttpRewardModel servedPpm(Options a) throws IOException {
    checkPpmFlags(a, null);
    if (a.ppmServer == null) {
      return null;
    }
    HttpRewardModel.Api api = HttpRewardModel.Api.parse(a.ppmApi);
    try {
      HttpRewardModel.Builder b = HttpRewardModel.builder().baseUrls(a.ppmServer).api(api);
      if (a.ppmServerModel != null) {
        b.model(a.ppmServerModel);
      }
      String key = a.apiKey != null ? a.apiKey : System.getenv("OPENAI_API_KEY");
      if (key != null && !key.isBlank()) {
        b.apiKey(key);
      }
      if (api == HttpRewardModel.Api.VLLM_EMBED) {
        ValueHead head = ValueHead.load(valueHeadFile(a));
        b.valueHead(head.weight(), head.bias());
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Prints each server's counters of an HTTP policy or reward model on stderr. */
  static void printServerStats(String command, Object model, PrintStream err) {
    List<EndpointStats> stats;
    String what;
    if (model instanceof OpenAiCompatiblePolicy p) {
      stats = p.endpointStats();
      what = "policy server ";
    } else if (model instanceof HttpRewardModel r) {
      stats = r.endpointStats();
      what = "PPM server ";
    } else {
      return;
    }
    for (EndpointStats s : stats) {
      err.println(command + ": " + what + s.describe());
    }
  }

  /** The reward model of {@code --ppm DIR}, or null without one. */
  static RewardModel ppm(String ppm) throws IOException {
    if (ppm == null) {
      return null;
    }
    Path dir = Path.of(ppm);
    if (!Files.isDirectory(dir)) {
      throw new UsageException("no such PPM directory: " + dir);
    }
    return ProcessPreferenceModel.load(dir, Tokenizers::fromFile, null);
  }

  /** The mode's preset with {@code --rollouts}, {@code --n} and {@code --max-depth} applied. */
  static SearchConfig config(Options a, SearchConfig preset) {
    try {
      SearchConfig.Builder b = preset.toBuilder();
      if (a.rollouts != null) {
        b.rollouts(a.rollouts);
      }
      if (a.n != null) {
        b.candidates(a.n);
      }
      if (a.maxDepth != null) {
        b.engine(preset.engine().toBuilder().maxDepth(a.maxDepth).build());
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

  static int batchProblems(Options a) {
    int b = a.batchProblems;
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
    return JsonLines.toLine(j);
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
