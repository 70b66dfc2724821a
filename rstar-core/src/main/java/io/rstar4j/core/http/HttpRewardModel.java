package io.rstar4j.core.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RewardModel} served over HTTP: a Process Preference Model (or another reward model)
 * served by vLLM's pooling API or SGLang's classify API, with {@code java.net.http}.
 *
 * <p>Each request is rendered exactly as the PPM was trained ({@link PromptTemplate#render}, by
 * default with {@link PromptTemplate#TRAINING}: the question's head followed by the steps' solution
 * text). The texts of a batch are sent in calls of at most {@link Builder#maxTextsPerCall(int)},
 * siblings (requests of one problem whose trajectories differ only in the last step) side by side
 * in one call so that the server's prefix cache serves their shared prefix; identical texts are
 * scored once. The calls run concurrently, up to {@link Builder#maxConcurrentRequests(int)}, and
 * are retried as {@link OpenAiCompatiblePolicy}'s are (429, 5xx, timeouts and connection errors,
 * with backoff and {@code Retry-After}; a fleet of servers with failover).
 *
 * <p>The {@link Api} says what the server speaks and what it returns:
 *
 * <ul>
 *   <li>{@link Api#VLLM_REWARD}: {@code POST /pooling} with {@code task} {@code classify} (default)
 *       or {@code token_classify}; each item's {@code data} is a score, a one-label list, or one
 *       such list per token (the last token's is taken). The score is {@link Squash squashed}.
 *   <li>{@link Api#VLLM_EMBED}: {@code POST /pooling} with {@code task} {@code embed} and {@code
 *       normalize: false}; each item's {@code data} is the last token's hidden state (or one per
 *       token, the last taken), and the rStar value head ({@code Linear(hidden, 1)}, {@link
 *       Builder#valueHead}) is applied here: score {@code tanh((w . h + b) / 5)}, exactly as the
 *       in-process PPM computes it. Serve the backbone with last-token pooling and no normalization
 *       ({@code --override-pooler-config '{"pooling_type":"LAST","normalize":false}'}).
 *   <li>{@link Api#SGLANG_CLASSIFY}: {@code POST /classify} with {@code text}; the reply is a list
 *       of {@code {"embedding": [score], "meta_info": {...}}}, in order. The score is squashed.
 * </ul>
 *
 * <p>Usage: vLLM's {@code usage.prompt_tokens} and SGLang's {@code meta_info.prompt_tokens} are
 * summed in {@link #stats()}. Thread-safe.
 *
 * <pre>{@code
 * // vllm serve ./ppm-backbone --task embed --port 8001 \
 * //   --override-pooler-config '{"pooling_type":"LAST","normalize":false}'
 * try (RewardModel ppm = HttpRewardModel.builder()
 *     .baseUrl("http://localhost:8001")
 *     .api(HttpRewardModel.Api.VLLM_EMBED)
 *     .valueHead(weights, bias)
 *     .build()) {
 *   double[] scores = ppm.score(requests);
 * }
 * }</pre>
 */
public final class HttpRewardModel implements RewardModel {

  /** What the server speaks and what it returns. */
  public enum Api {
    /** vLLM {@code POST /pooling}, a served scalar (a reward model or a one-label classifier). */
    VLLM_REWARD,
    /** vLLM {@code POST /pooling} on an embed runner: the last token's hidden state. */
    VLLM_EMBED,
    /** SGLang {@code POST /classify} (started with {@code --is-embedding}): a served scalar. */
    SGLANG_CLASSIFY;

    /**
     * Parses {@code vllm-reward}, {@code vllm-embed} or {@code sglang}.
     *
     * @throws IllegalArgumentException naming the choices for anything else
     */
    public static Api parse(String s) {
      switch (Objects.requireNonNull(s, "api").strip().toLowerCase(java.util.Locale.ROOT)) {
        case "vllm-reward":
          return VLLM_REWARD;
        case "vllm-embed":
          return VLLM_EMBED;
        case "sglang":
        case "sglang-classify":
          return SGLANG_CLASSIFY;
        default:
          throw new IllegalArgumentException(
              "the reward API must be vllm-reward, vllm-embed or sglang, was '" + s + "'");
      }
    }
  }

  /** How a served scalar {@code r} becomes a score in [-1, 1]. */
  public enum Squash {
    /** {@code tanh(r / scale)}: a served raw head output, as the in-process PPM reports it. */
    TANH,
    /** {@code 2p - 1}: a served probability {@code p} in [0, 1] (a sigmoid classifier). */
    PROBABILITY,
    /** {@code r} itself, which must be in [-1, 1]. */
    IDENTITY
  }

  /**
   * Counters since this model was built.
   *
   * @param calls HTTP calls that succeeded
   * @param retries attempts that were retried
   * @param texts texts scored by the server (after removing repeats)
   * @param promptTokens the prompt tokens the server reported
   */
  public record Stats(long calls, long retries, long texts, long promptTokens) {}

  private final Fleet fleet;
  private final Api api;
  private final String model;
  private final String task;
  private final PromptTemplate template;
  private final Squash squash;
  private final double scale;
  private final float[] headWeight;
  private final float headBias;
  private final int maxTextsPerCall;
  private final ExecutorService executor;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong texts = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();

  private HttpRewardModel(Builder b) {
    this.api = b.api;
    this.model = b.model;
    this.task = b.task != null ? b.task : b.api == Api.VLLM_EMBED ? "embed" : "classify";
    this.template = b.template;
    this.squash = b.squash;
    this.scale = b.scale;
    this.headWeight = b.headWeight;
    this.headBias = b.headBias;
    this.maxTextsPerCall = b.maxTextsPerCall;
    String path = b.api == Api.SGLANG_CLASSIFY ? "/classify" : "/pooling";
    List<URI> uris = new ArrayList<>();
    for (String u : b.baseUrls) {
      uris.add(URI.create(u.endsWith(path) ? u : u + path));
    }
    this.fleet =
        new Fleet(
            uris,
            new Fleet.Settings(
                b.timeout,
                b.maxRetries,
                b.initialBackoff,
                b.maxBackoff,
                b.maxInFlightPerEndpoint,
                b.initialDowntime,
                b.maxDowntime,
                b.apiKey),
            Fleet.client(b.connectTimeout),
            HttpPolicyException::new);
    AtomicInteger threadNo = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            b.maxConcurrentRequests,
            r -> {
              Thread t = new Thread(r, "rstar-http-reward-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** A new builder; {@link Builder#baseUrl(String)} (or the base URLs) is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The API this model speaks. */
  public Api api() {
    return api;
  }

  /** The endpoints posted to, in the order given. */
  public List<URI> endpoints() {
    return fleet.uris();
  }

  /** A snapshot of the counters. */
  public Stats stats() {
    return new Stats(calls.get(), retries.get(), texts.get(), promptTokens.get());
  }

  /** A snapshot of each endpoint's counters, in the order given. */
  public List<EndpointStats> endpointStats() {
    return fleet.stats();
  }

  /** The text a request is scored on: {@code template.render(question, partial)}. */
  public String textOf(RewardRequest r) {
    return template.render(r.problem().question(), r.partial());
  }

  /**
   * {@inheritDoc}
   *
   * @throws HttpPolicyException when a call fails (after its retries) or a reply is malformed (the
   *     message names the endpoint and quotes the start of the reply)
   */
  @Override
  public double[] score(List<RewardRequest> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return new double[0];
    }
    // distinct texts, grouped by parent (problem id + the steps before the last), groups in order
    Map<String, Integer> textIndex = new HashMap<>();
    List<String> distinct = new ArrayList<>();
    int[] of = new int[batch.size()];
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      RewardRequest r = Objects.requireNonNull(batch.get(i), "request");
      String text = textOf(r);
      Integer k = textIndex.get(text);
      if (k == null) {
        k = distinct.size();
        textIndex.put(text, k);
        distinct.add(text);
        groups.computeIfAbsent(parentKey(r), x -> new ArrayList<>()).add(k);
      }
      of[i] = k;
    }
    List<List<Integer>> chunks = new ArrayList<>();
    List<Integer> cur = new ArrayList<>();
    for (List<Integer> g : groups.values()) {
      if (!cur.isEmpty() && cur.size() + g.size() > maxTextsPerCall) {
        chunks.add(cur);
        cur = new ArrayList<>();
      }
      for (int k : g) {
        if (cur.size() == maxTextsPerCall) {
          chunks.add(cur);
          cur = new ArrayList<>();
        }
        cur.add(k);
      }
    }
    if (!cur.isEmpty()) {
      chunks.add(cur);
    }
    double[] scores = new double[distinct.size()];
    List<Future<double[]>> futures = new ArrayList<>(chunks.size());
    try {
      for (List<Integer> c : chunks) {
        List<String> ts = new ArrayList<>(c.size());
        for (int k : c) {
          ts.add(distinct.get(k));
        }
        futures.add(executor.submit(() -> call(ts)));
      }
      for (int j = 0; j < chunks.size(); j++) {
        double[] s = futures.get(j).get();
        List<Integer> c = chunks.get(j);
        for (int m = 0; m < c.size(); m++) {
          scores[c.get(m)] = s[m];
        }
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof HttpPolicyException) {
        throw (HttpPolicyException) c;
      }
      throw new HttpPolicyException("POST " + fleet.describe() + " failed: " + c, -1, c);
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new HttpPolicyException("interrupted while waiting for " + fleet.describe(), -1, e);
    } catch (CancellationException e) {
      throw new HttpPolicyException("call to " + fleet.describe() + " was cancelled", -1, e);
    }
    double[] out = new double[batch.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores[of[i]];
    }
    return out;
  }

  private String parentKey(RewardRequest r) {
    List<Step> steps = r.partial().steps();
    StringBuilder sb = new StringBuilder(r.problem().id()).append('\u0000');
    for (int i = 0; i < steps.size() - 1; i++) {
      sb.append(steps.get(i).solutionText());
    }
    return sb.toString();
  }

  /** Releases the worker threads. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- one call

  String requestBody(List<String> ts) {
    JsonObject body = new JsonObject();
    if (model != null) {
      body.addProperty("model", model);
    }
    JsonArray in = new JsonArray(ts.size());
    ts.forEach(in::add);
    if (api == Api.SGLANG_CLASSIFY) {
      body.add("text", in);
    } else {
      body.add("input", in);
      body.addProperty("task", task);
      if (api == Api.VLLM_EMBED) {
        body.addProperty("normalize", false);
      }
    }
    return body.toString();
  }

  private double[] call(List<String> ts) throws InterruptedException {
    double[] s = fleet.post(requestBody(ts), (reply, uri) -> parse(reply, ts.size(), uri), retries);
    calls.incrementAndGet();
    texts.addAndGet(ts.size());
    return s;
  }

  /** The scores of one reply, in input order. */
  Fleet.Parsed<double[]> parse(String body, int n, URI endpoint) {
    JsonElement root;
    try {
      root = JsonParser.parseString(body);
    } catch (JsonParseException e) {
      throw malformed("not JSON", body, endpoint);
    }
    if (root.isJsonObject()
        && root.getAsJsonObject().has("error")
        && !root.getAsJsonObject().get("error").isJsonNull()) {
      throw new HttpPolicyException(
          "POST "
              + endpoint
              + " returned an error: "
              + Fleet.excerpt(root.getAsJsonObject().get("error").toString()),
          200,
          null);
    }
    double[] out = new double[n];
    long tokens = 0;
    if (api == Api.SGLANG_CLASSIFY) {
      JsonArray items;
      if (root.isJsonArray()) {
        items = root.getAsJsonArray();
      } else if (root.isJsonObject() && n == 1) {
        items = new JsonArray();
        items.add(root);
      } else {
        throw malformed("expected a JSON list of {\"embedding\": [score]}", body, endpoint);
      }
      if (items.size() != n) {
        throw malformed("sent " + n + " texts, got " + items.size() + " results", body, endpoint);
      }
      for (int i = 0; i < n; i++) {
        JsonElement it = items.get(i);
        if (!it.isJsonObject() || !it.getAsJsonObject().has("embedding")) {
          throw malformed("result " + i + " has no \"embedding\"", body, endpoint);
        }
        JsonObject o = it.getAsJsonObject();
        out[i] = squashed(scalar(o.get("embedding"), i, body, endpoint), i, body, endpoint);
        JsonElement meta = o.get("meta_info");
        if (meta != null && meta.isJsonObject()) {
          tokens += longOrZero(meta.getAsJsonObject().get("prompt_tokens"));
        }
      }
    } else {
      if (!root.isJsonObject()) {
        throw malformed("expected a JSON object", body, endpoint);
      }
      JsonElement dataEl = root.getAsJsonObject().get("data");
      if (dataEl == null || !dataEl.isJsonArray()) {
        throw malformed("no \"data\" array", body, endpoint);
      }
      JsonArray data = dataEl.getAsJsonArray();
      if (data.size() != n) {
        throw malformed("sent " + n + " texts, got " + data.size() + " results", body, endpoint);
      }
      boolean[] seen = new boolean[n];
      for (JsonElement de : data) {
        if (!de.isJsonObject()) {
          throw malformed("a result is not an object", body, endpoint);
        }
        JsonObject d = de.getAsJsonObject();
        JsonElement ix = d.get("index");
        int index =
            ix != null && ix.isJsonPrimitive() && ix.getAsJsonPrimitive().isNumber()
                ? ix.getAsInt()
                : -1;
        if (index < 0 || index >= n || seen[index]) {
          throw malformed("result index missing, out of range or repeated", body, endpoint);
        }
        seen[index] = true;
        JsonElement v = d.get("data");
        if (v == null || v.isJsonNull()) {
          throw malformed("result " + index + " has no \"data\"", body, endpoint);
        }
        out[index] =
            api == Api.VLLM_EMBED
                ? headScore(v, index, body, endpoint)
                : squashed(scalar(v, index, body, endpoint), index, body, endpoint);
      }
      JsonElement usage = root.getAsJsonObject().get("usage");
      if (usage != null && usage.isJsonObject()) {
        tokens = longOrZero(usage.getAsJsonObject().get("prompt_tokens"));
      }
    }
    promptTokens.addAndGet(tokens);
    return new Fleet.Parsed<>(out, tokens, 0);
  }

  /** A number, a one-element list, or per-token one-element lists (the last token's). */
  private static double scalar(JsonElement v, int i, String body, URI endpoint) {
    JsonElement e = v;
    if (e.isJsonArray()
        && e.getAsJsonArray().size() > 0
        && e.getAsJsonArray().get(0).isJsonArray()) {
      JsonArray rows = e.getAsJsonArray();
      e = rows.get(rows.size() - 1); // per token: the last token's
    }
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      if (a.size() != 1) {
        throw malformed(
            "result " + i + " has " + a.size() + " values, expected one score (a one-label head)",
            body,
            endpoint);
      }
      e = a.get(0);
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw malformed("result " + i + " is not a number", body, endpoint);
    }
    return e.getAsDouble();
  }

  private double squashed(double r, int i, String body, URI endpoint) {
    double s;
    switch (squash) {
      case TANH:
        s = Math.tanh(r / scale);
        break;
      case PROBABILITY:
        if (!(r >= 0 && r <= 1)) {
          throw malformed(
              "result " + i + " is " + r + ", not a probability in [0, 1]", body, endpoint);
        }
        s = 2 * r - 1;
        break;
      default:
        s = r;
    }
    if (!(s >= -1 && s <= 1)) {
      throw malformed("result " + i + " is " + r + ", not a score in [-1, 1]", body, endpoint);
    }
    return s;
  }

  /** The value head on a hidden state: {@code tanh((w . h + b) / scale)}, as ValueHead.raw. */
  private double headScore(JsonElement v, int i, String body, URI endpoint) {
    JsonElement e = v;
    if (e.isJsonArray()
        && e.getAsJsonArray().size() > 0
        && e.getAsJsonArray().get(0).isJsonArray()) {
      JsonArray rows = e.getAsJsonArray();
      e = rows.get(rows.size() - 1);
    }
    if (!e.isJsonArray()) {
      throw malformed("result " + i + " is not a hidden state (a list of numbers)", body, endpoint);
    }
    JsonArray a = e.getAsJsonArray();
    if (a.size() != headWeight.length) {
      throw malformed(
          "result "
              + i
              + " has "
              + a.size()
              + " values but the value head has hidden size "
              + headWeight.length
              + " (is the server running the PPM's backbone with last-token pooling?)",
          body,
          endpoint);
    }
    double r = headBias;
    for (int k = 0; k < headWeight.length; k++) {
      JsonElement x = a.get(k);
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
        throw malformed("result " + i + " holds a value that is not a number", body, endpoint);
      }
      r += (double) headWeight[k] * x.getAsFloat();
    }
    double s = Math.tanh(r / scale);
    if (Double.isNaN(s)) {
      throw malformed("result " + i + " gives a NaN score", body, endpoint);
    }
    return s;
  }

  private static HttpPolicyException malformed(String what, String body, URI endpoint) {
    return new HttpPolicyException(
        "malformed reply from " + endpoint + " (" + what + "): " + Fleet.excerpt(body), 200, null);
  }

  private static long longOrZero(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
        ? Math.max(0, e.getAsLong())
        : 0;
  }

  @Override
  public String toString() {
    return "HttpRewardModel[" + api + ", " + fleet.describe() + "]";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds an {@link HttpRewardModel}; every setter validates at once, setting an option twice
   * fails ("api was already set"), and {@link #build()} checks the options that go together (a
   * value head exactly for {@link Api#VLLM_EMBED}, a squash only for the scalar APIs).
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private List<String> baseUrls;
    private Api api = Api.VLLM_REWARD;
    private String model;
    private String task;
    private PromptTemplate template = PromptTemplate.TRAINING;
    private Squash squash = Squash.TANH;
    private double scale = 5;
    private float[] headWeight;
    private float headBias;
    private String apiKey;
    private Duration timeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxRetries = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(20);
    private int maxConcurrentRequests = 8;
    private int maxInFlightPerEndpoint = Integer.MAX_VALUE;
    private Duration initialDowntime = Duration.ofSeconds(2);
    private Duration maxDowntime = Duration.ofSeconds(60);
    private int maxTextsPerCall = 64;

    private Builder() {}

    /**
     * The server's root ({@code http://localhost:8001}); the model posts to {@code /pooling} or
     * {@code /classify} under it. This or {@link #baseUrls(List)} is required.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if it is not an absolute http(s) URL
     * @throws IllegalStateException if already set, or if the base URLs were set
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      set.markExclusive("baseUrl", "baseUrls");
      baseUrls = List.of(Fleet.baseUrl(url));
      return this;
    }

    /**
     * A fleet of servers serving the same model (see {@link
     * OpenAiCompatiblePolicy.Builder#baseUrls(List)}).
     *
     * @throws NullPointerException if {@code urls} or one of them is null
     * @throws IllegalArgumentException if empty, repeated or not absolute http(s) URLs
     * @throws IllegalStateException if already set, or if the base URL was set
     */
    public Builder baseUrls(List<String> urls) {
      Objects.requireNonNull(urls, "urls");
      set.markExclusive("baseUrls", "baseUrl");
      List<String> out = new ArrayList<>();
      for (URI u :
          OpenAiCompatiblePolicy.endpointsOf(
              urls, u -> URI.create(Fleet.baseUrl(Objects.requireNonNull(u, "url"))))) {
        out.add(u.toString());
      }
      baseUrls = List.copyOf(out);
      return this;
    }

    /**
     * What the server speaks; default {@link Api#VLLM_REWARD}.
     *
     * @throws NullPointerException if {@code api} is null
     * @throws IllegalStateException if already set
     */
    public Builder api(Api api) {
      set.mark("api");
      this.api = Objects.requireNonNull(api, "api");
      return this;
    }

    /**
     * The served model's name, sent as {@code model}; default none (the server's only model).
     *
     * @throws NullPointerException if {@code model} is null
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if already set
     */
    public Builder model(String model) {
      set.mark("model");
      this.model = Checks.nonBlank("model", model);
      return this;
    }

    /**
     * vLLM's pooling {@code task}; default {@code classify} ({@link Api#VLLM_REWARD}) or {@code
     * embed} ({@link Api#VLLM_EMBED}). {@code token_classify} serves process reward models.
     *
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if already set
     */
    public Builder task(String task) {
      set.mark("task");
      this.task = Checks.nonBlank("task", task);
      return this;
    }

    /**
     * How a request becomes text; default {@link PromptTemplate#TRAINING}, as the PPM's preference
     * pairs are built.
     *
     * @throws NullPointerException if {@code template} is null
     * @throws IllegalStateException if already set
     */
    public Builder template(PromptTemplate template) {
      set.mark("template");
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /**
     * How a served scalar becomes a score; default {@link Squash#TANH} (with {@link #scale}).
     *
     * @throws NullPointerException if {@code squash} is null
     * @throws IllegalStateException if already set
     */
    public Builder squash(Squash squash) {
      set.mark("squash");
      this.squash = Objects.requireNonNull(squash, "squash");
      return this;
    }

    /**
     * The divisor in {@code tanh(r / scale)}; default 5, as the PPM.
     *
     * @throws IllegalArgumentException if not finite and positive
     * @throws IllegalStateException if already set
     */
    public Builder scale(double scale) {
      set.mark("scale");
      this.scale = Checks.finitePositive("scale", scale);
      return this;
    }

    /**
     * The rStar value head for {@link Api#VLLM_EMBED}: {@code r = w . h + b} on the hidden state
     * {@code h}, as {@code value_head.json} stores it (read it with the PPM's {@code
     * ValueHead.load}).
     *
     * @throws NullPointerException if {@code weight} is null
     * @throws IllegalArgumentException if empty or not finite
     * @throws IllegalStateException if already set
     */
    public Builder valueHead(float[] weight, float bias) {
      Objects.requireNonNull(weight, "weight");
      set.mark("valueHead");
      if (weight.length == 0) {
        throw new IllegalArgumentException("a value head needs at least one weight");
      }
      for (float w : weight) {
        if (!Float.isFinite(w)) {
          throw new IllegalArgumentException("value head weights must be finite");
        }
      }
      if (!Float.isFinite(bias)) {
        throw new IllegalArgumentException("value head bias must be finite");
      }
      this.headWeight = weight.clone();
      this.headBias = bias;
      return this;
    }

    /**
     * A bearer token sent as {@code Authorization}; default none.
     *
     * @throws NullPointerException if {@code apiKey} is null
     * @throws IllegalStateException if already set
     */
    public Builder apiKey(String apiKey) {
      set.mark("apiKey");
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * How long one call may take before it counts as failed (and is retried); default 120 s.
     *
     * @throws IllegalArgumentException if zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder timeout(Duration timeout) {
      set.mark("timeout");
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * How long connecting may take; default 10 s.
     *
     * @throws IllegalArgumentException if zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration connectTimeout) {
      set.mark("connectTimeout");
      this.connectTimeout = Checks.positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Retries after a 429, a 5xx, a timeout or a connection error, {@code >= 0}; default 4.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder maxRetries(int maxRetries) {
      set.mark("maxRetries");
      this.maxRetries = Checks.atLeast("maxRetries", maxRetries, 0);
      return this;
    }

    /**
     * The backoff between retries (see {@link OpenAiCompatiblePolicy.Builder#backoff}); defaults
     * 500 ms and 20 s.
     *
     * @throws IllegalArgumentException if either is zero or negative, or {@code max < initial}
     * @throws IllegalStateException if already set
     */
    public Builder backoff(Duration initial, Duration max) {
      set.mark("backoff");
      Duration[] d = OpenAiCompatiblePolicy.durations("backoff", initial, max);
      this.initialBackoff = d[0];
      this.maxBackoff = d[1];
      return this;
    }

    /**
     * Calls in flight at once, {@code >= 1}; default 8.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxConcurrentRequests(int max) {
      set.mark("maxConcurrentRequests");
      this.maxConcurrentRequests = Checks.positive("maxConcurrentRequests", max);
      return this;
    }

    /**
     * Calls in flight at once on one server (back-pressure); default no cap beyond {@link
     * #maxConcurrentRequests(int)}.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxInFlightPerEndpoint(int max) {
      set.mark("maxInFlightPerEndpoint");
      this.maxInFlightPerEndpoint = Checks.positive("maxInFlightPerEndpoint", max);
      return this;
    }

    /**
     * How long a failing server of a fleet is left out (see {@link
     * OpenAiCompatiblePolicy.Builder#endpointDowntime}); defaults 2 s and 60 s.
     *
     * @throws IllegalArgumentException if either is zero or negative, or {@code max < initial}
     * @throws IllegalStateException if already set
     */
    public Builder endpointDowntime(Duration initial, Duration max) {
      set.mark("endpointDowntime");
      Duration[] d = OpenAiCompatiblePolicy.durations("downtime", initial, max);
      this.initialDowntime = d[0];
      this.maxDowntime = d[1];
      return this;
    }

    /**
     * The most texts in one call, {@code >= 1}; default 64. Siblings stay in one call unless their
     * group alone is larger.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxTextsPerCall(int max) {
      set.mark("maxTextsPerCall");
      this.maxTextsPerCall = Checks.positive("maxTextsPerCall", max);
      return this;
    }

    /**
     * The reward model.
     *
     * @throws IllegalStateException if the base URL is missing, {@link Api#VLLM_EMBED} has no value
     *     head, another API has one, {@link Api#VLLM_EMBED} is given a squash, or SGLang is given a
     *     pooling task
     */
    public HttpRewardModel build() {
      if (baseUrls == null) {
        throw new IllegalStateException("baseUrl is required (e.g. http://localhost:8001)");
      }
      if (api == Api.VLLM_EMBED && headWeight == null) {
        throw new IllegalStateException(
            "the vllm-embed API needs the value head (value_head.json) to score hidden states");
      }
      if (api != Api.VLLM_EMBED && headWeight != null) {
        throw new IllegalStateException(
            "a value head is applied to hidden states: use the vllm-embed API, not " + api);
      }
      if (api == Api.VLLM_EMBED && set.isSet("squash")) {
        throw new IllegalStateException(
            "the vllm-embed API scores tanh((w . h + b) / scale): a squash does not apply");
      }
      if (api == Api.SGLANG_CLASSIFY && task != null) {
        throw new IllegalStateException("a pooling task is vLLM's: SGLang's /classify has none");
      }
      return new HttpRewardModel(this);
    }
  }
}
