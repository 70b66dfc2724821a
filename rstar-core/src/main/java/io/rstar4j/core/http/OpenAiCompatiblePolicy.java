package io.rstar4j.core.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Policy} served by an OpenAI-compatible server (vLLM, SGLang, ...) through its {@code
 * /v1/completions} endpoint, with {@code java.net.http}.
 *
 * <p>Each {@link PolicyRequest} becomes one completions call with {@code prompt} = {@link
 * PolicyRequest#prompt()} and {@code n} = the request's {@code n} (split over several calls when it
 * exceeds {@link Builder#maxNPerCall(int)}); the calls of a batch run concurrently, up to {@link
 * Builder#maxConcurrentRequests(int)} at a time. Calls that fail with HTTP 429 or 5xx, a timeout or
 * a connection error are retried with exponential backoff (honouring {@code Retry-After}); other
 * failures and malformed replies throw {@link HttpPolicyException} at once.
 *
 * <p>A fleet of servers ({@link Builder#baseUrls(List)}) serving the same model: each call goes to
 * the server with the fewest calls in flight, at most {@link Builder#maxInFlightPerEndpoint(int)}
 * on each (further calls wait: back-pressure). A server whose attempt failed as above is taken out
 * for a while ({@link Builder#endpointDowntime(Duration, Duration)}) and the call retried at once
 * on another; when its downtime is over one probe call decides whether it is back. A call is
 * answered by the one reply the policy takes, so a server dying mid-batch loses no request and
 * answers none twice. A fleet allows {@code maxRetries} plus one more attempt per further server.
 * Per-server counters: {@link #endpointStats()}.
 *
 * <p>Stop strings (by default the step format's {@link StepFormat#STOP_STRINGS}) are sent as {@code
 * stop}; servers strip the matched stop string from the text, so it is put back, using the reply's
 * {@code stop_reason} (vLLM) or {@code matched_stop} (SGLang). A choice that ended at the model's
 * end-of-sequence token (finish reason {@code stop} with no stop string reported) is {@link
 * StopReason#END_OF_SEQUENCE}; finish reason {@code length} is {@link StopReason#MAX_TOKENS}.
 *
 * <p>Token accounting comes from the reply's {@code usage}: every generation carries the call's
 * {@code prompt_tokens}; {@code completion_tokens} (a total over the call's choices) is shared out
 * among the choices in proportion to their text length (exact when {@code n} is 1). Thread-safe.
 *
 * <pre>{@code
 * // vllm serve Qwen/Qwen2.5-Math-7B-Instruct --port 8000
 * try (Policy policy = OpenAiCompatiblePolicy.builder()
 *     .baseUrl("http://localhost:8000")
 *     .model("Qwen/Qwen2.5-Math-7B-Instruct")
 *     .sampling(SamplingParams.stepSearch().toBuilder().seed(1).build())
 *     .build()) {
 *   List<Generation> candidates = policy.propose(new PolicyRequest(problem, Trajectory.empty(), 8));
 * }
 * }</pre>
 */
public final class OpenAiCompatiblePolicy implements Policy {
  private static final System.Logger LOG = System.getLogger(OpenAiCompatiblePolicy.class.getName());

  /** The builder's default sampling: {@link SamplingParams#stepSearch()} with top-p 1. */
  private static final SamplingParams DEFAULT_SAMPLING =
      SamplingParams.stepSearch().toBuilder().topP(1.0).build();

  private final Fleet fleet;
  private final String model;
  private final SamplingParams sampling;
  private final List<String> stop;
  private final int maxNPerCall;
  private final ExecutorService executor;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();

  private OpenAiCompatiblePolicy(Builder b) {
    this.model = b.model;
    this.sampling = b.sampling;
    this.stop = b.sampling.stopStrings();
    this.maxNPerCall = b.maxNPerCall;
    AtomicInteger threadNo = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            b.maxConcurrentRequests,
            r -> {
              Thread t = new Thread(r, "rstar-http-policy-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.fleet =
        new Fleet(
            b.endpoints,
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
  }

  /**
   * A new builder; {@link Builder#baseUrl(String)} and {@link Builder#model(String)} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** How every call samples. */
  public SamplingParams sampling() {
    return sampling;
  }

  /** The completions endpoint this policy posts to (the first one of a fleet). */
  public URI endpoint() {
    return fleet.uris().get(0);
  }

  /** Every completions endpoint this policy posts to, in the order given. */
  public List<URI> endpoints() {
    return fleet.uris();
  }

  /** A snapshot of each endpoint's counters, in the order given. */
  public List<EndpointStats> endpointStats() {
    return fleet.stats();
  }

  /**
   * Counters since this policy was built.
   *
   * @param calls HTTP calls that succeeded
   * @param retries attempts that were retried
   * @param promptTokens the {@code usage.prompt_tokens} of all calls
   * @param completionTokens the {@code usage.completion_tokens} of all calls
   */
  public record Stats(long calls, long retries, long promptTokens, long completionTokens) {}

  /** A snapshot of the counters. */
  public Stats stats() {
    return new Stats(calls.get(), retries.get(), promptTokens.get(), completionTokens.get());
  }

  /**
   * {@inheritDoc}
   *
   * @throws HttpPolicyException when a call fails (after its retries) or a reply is malformed
   */
  @Override
  public List<List<Generation>> propose(List<PolicyRequest> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return List.of();
    }
    // one call per request, or several when n is above the per-call cap
    List<List<Future<List<Generation>>>> futures = new ArrayList<>(batch.size());
    try {
      for (PolicyRequest r : batch) {
        Objects.requireNonNull(r, "request");
        String prompt = r.prompt();
        List<Future<List<Generation>>> parts = new ArrayList<>();
        int chunk = 0;
        for (int left = r.n(); left > 0; left -= maxNPerCall, chunk++) {
          int n = Math.min(left, maxNPerCall);
          Long callSeed = sampling.seed().isPresent() ? sampling.seed().getAsLong() + chunk : null;
          parts.add(executor.submit(() -> call(prompt, n, callSeed)));
        }
        futures.add(parts);
      }
      List<List<Generation>> out = new ArrayList<>(batch.size());
      for (List<Future<List<Generation>>> parts : futures) {
        List<Generation> gens = new ArrayList<>();
        for (Future<List<Generation>> f : parts) {
          gens.addAll(f.get());
        }
        out.add(List.copyOf(gens));
      }
      return out;
    } catch (ExecutionException e) {
      cancelAll(futures);
      Throwable c = e.getCause();
      if (c instanceof HttpPolicyException) {
        throw (HttpPolicyException) c;
      }
      throw new HttpPolicyException("POST " + fleet.describe() + " failed: " + c, -1, c);
    } catch (InterruptedException e) {
      cancelAll(futures);
      Thread.currentThread().interrupt();
      throw new HttpPolicyException("interrupted while waiting for " + fleet.describe(), -1, e);
    } catch (CancellationException e) {
      throw new HttpPolicyException("call to " + fleet.describe() + " was cancelled", -1, e);
    }
  }

  private static void cancelAll(List<List<Future<List<Generation>>>> futures) {
    for (List<Future<List<Generation>>> parts : futures) {
      for (Future<List<Generation>> f : parts) {
        f.cancel(true);
      }
    }
  }

  /** Releases the worker threads. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- one call

  String requestBody(String prompt, int n, Long callSeed) {
    JsonObject body = new JsonObject();
    body.addProperty("model", model);
    body.addProperty("prompt", prompt);
    body.addProperty("n", n);
    body.addProperty("temperature", sampling.temperature());
    body.addProperty("top_p", sampling.topP());
    if (sampling.topK() > 0) {
      body.addProperty("top_k", sampling.topK()); // a vLLM and SGLang extension
    }
    body.addProperty("max_tokens", sampling.maxTokens());
    if (callSeed != null) {
      body.addProperty("seed", callSeed);
    }
    if (!stop.isEmpty()) {
      JsonArray s = new JsonArray();
      stop.forEach(s::add);
      body.add("stop", s);
    }
    return body.toString();
  }

  private List<Generation> call(String prompt, int n, Long callSeed) throws InterruptedException {
    String body = requestBody(prompt, n, callSeed);
    List<Generation> gens =
        fleet.post(
            body,
            (reply, uri) -> {
              List<Generation> g = parse(reply, n, uri);
              long p = g.isEmpty() ? 0 : g.get(0).promptTokens();
              long c = 0;
              for (Generation x : g) {
                c += x.completionTokens();
              }
              return new Fleet.Parsed<>(g, p, c);
            },
            retries);
    calls.incrementAndGet();
    return gens;
  }

  /** The generations of one reply, in choice order. */
  List<Generation> parse(String body, int n, URI endpoint) {
    JsonObject root;
    try {
      JsonElement el = JsonParser.parseString(body);
      if (!el.isJsonObject()) {
        throw malformed("expected a JSON object", body, endpoint);
      }
      root = el.getAsJsonObject();
    } catch (JsonParseException e) {
      throw malformed("not JSON", body, endpoint);
    }
    if (root.has("error") && !root.get("error").isJsonNull()) {
      throw new HttpPolicyException(
          "POST " + endpoint + " returned an error: " + Fleet.excerpt(root.get("error").toString()),
          200,
          null);
    }
    JsonElement choicesEl = root.get("choices");
    if (choicesEl == null || !choicesEl.isJsonArray()) {
      throw malformed("no \"choices\" array", body, endpoint);
    }
    JsonArray choices = choicesEl.getAsJsonArray();
    if (choices.size() != n) {
      throw malformed("asked for " + n + " choices, got " + choices.size(), body, endpoint);
    }
    String[] texts = new String[n];
    StopReason[] reasons = new StopReason[n];
    for (JsonElement ce : choices) {
      if (!ce.isJsonObject()) {
        throw malformed("a choice is not an object", body, endpoint);
      }
      JsonObject c = ce.getAsJsonObject();
      int index =
          c.has("index") && c.get("index").isJsonPrimitive() ? c.get("index").getAsInt() : -1;
      if (index < 0 || index >= n || texts[index] != null) {
        throw malformed("choice index missing, out of range or repeated", body, endpoint);
      }
      JsonElement t = c.get("text");
      if (t == null || !t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
        throw malformed("choice " + index + " has no \"text\" string", body, endpoint);
      }
      String text = t.getAsString();
      String finish = stringOrNull(c.get("finish_reason"));
      String matched = stringOrNull(c.get("stop_reason"));
      if (matched == null) {
        matched = stringOrNull(c.get("matched_stop"));
      }
      String cut = cutAtStop(text);
      if (cut != null) {
        // the server kept the stop string (e.g. include_stop_str_in_output): keep it once
        texts[index] = cut;
        reasons[index] = StopReason.STOP_STRING;
      } else if ("length".equals(finish)) {
        texts[index] = text;
        reasons[index] = StopReason.MAX_TOKENS;
      } else if (matched != null && stop.contains(matched)) {
        texts[index] = text + matched;
        reasons[index] = StopReason.STOP_STRING;
      } else {
        texts[index] = text;
        reasons[index] = StopReason.END_OF_SEQUENCE;
      }
    }
    int prompt = 0;
    int completion = 0;
    JsonElement usage = root.get("usage");
    if (usage != null && usage.isJsonObject()) {
      prompt = intOrZero(usage.getAsJsonObject().get("prompt_tokens"));
      completion = intOrZero(usage.getAsJsonObject().get("completion_tokens"));
    }
    promptTokens.addAndGet(prompt);
    completionTokens.addAndGet(completion);
    int[] shares = share(completion, texts);
    List<Generation> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Generation(texts[i], reasons[i], prompt, shares[i]));
    }
    return out;
  }

  /** The text through its first stop string, or null when it holds none. */
  private String cutAtStop(String text) {
    int best = -1;
    String bestStop = null;
    for (String s : stop) {
      int i = text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
        bestStop = s;
      }
    }
    return best < 0 ? null : text.substring(0, best + bestStop.length());
  }

  /** Splits a total over the texts in proportion to their lengths (largest remainders). */
  static int[] share(int total, String[] texts) {
    int n = texts.length;
    int[] out = new int[n];
    if (total <= 0) {
      return out;
    }
    long len = 0;
    for (String t : texts) {
      len += t.length();
    }
    if (len == 0) {
      for (int i = 0; i < n; i++) {
        out[i] = total / n + (i < total % n ? 1 : 0);
      }
      return out;
    }
    int given = 0;
    double[] rest = new double[n];
    for (int i = 0; i < n; i++) {
      double exact = (double) total * texts[i].length() / len;
      out[i] = (int) Math.floor(exact);
      rest[i] = exact - out[i];
      given += out[i];
    }
    while (given < total) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (rest[i] > rest[best]) {
          best = i;
        }
      }
      out[best]++;
      rest[best] = -1;
      given++;
    }
    return out;
  }

  private static HttpPolicyException malformed(String what, String body, URI endpoint) {
    return new HttpPolicyException(
        "malformed reply from " + endpoint + " (" + what + "): " + Fleet.excerpt(body), 200, null);
  }

  private static String stringOrNull(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString()
        : null;
  }

  private static int intOrZero(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
        ? Math.max(0, e.getAsInt())
        : 0;
  }

  @Override
  public String toString() {
    return "OpenAiCompatiblePolicy[" + fleet.describe() + ", model=" + model + "]";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds an {@link OpenAiCompatiblePolicy}; every setter validates at once, and setting an option
   * twice fails ("model was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private List<URI> endpoints;
    private int maxInFlightPerEndpoint = Integer.MAX_VALUE;
    private Duration initialDowntime = Duration.ofSeconds(2);
    private Duration maxDowntime = Duration.ofSeconds(60);
    private String model;
    private SamplingParams sampling = DEFAULT_SAMPLING;
    private String apiKey;
    private Duration timeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxRetries = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(20);
    private int maxConcurrentRequests = 32;
    private int maxNPerCall = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * The server: its root ({@code http://localhost:8000}) or its OpenAI base ({@code
     * http://localhost:8000/v1}); the policy posts to {@code .../v1/completions}. This or {@link
     * #baseUrls(List)} is required.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if it is not an absolute http(s) URL
     * @throws IllegalStateException if already set, or if the base URLs were set
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      set.markExclusive("baseUrl", "baseUrls");
      endpoints = List.of(completions(url));
      return this;
    }

    /**
     * A fleet of servers serving the same model, each given as for {@link #baseUrl(String)}: each
     * call goes to the one with the fewest calls in flight, at most {@link
     * #maxInFlightPerEndpoint(int)} each; one that fails is taken out for {@link
     * #endpointDowntime(Duration, Duration)} and its call retried on another.
     *
     * @throws NullPointerException if {@code urls} or one of them is null
     * @throws IllegalArgumentException if empty, repeated or not absolute http(s) URLs
     * @throws IllegalStateException if already set, or if the base URL was set
     */
    public Builder baseUrls(List<String> urls) {
      Objects.requireNonNull(urls, "urls");
      set.markExclusive("baseUrls", "baseUrl");
      endpoints = endpointsOf(urls, Builder::completions);
      return this;
    }

    private static URI completions(String url) {
      String s = Fleet.baseUrl(Objects.requireNonNull(url, "url"));
      if (s.endsWith("/completions")) {
        return URI.create(s);
      }
      return URI.create(s.endsWith("/v1") ? s + "/completions" : s + "/v1/completions");
    }

    /**
     * Calls in flight at once on one server, {@code >= 1}; when every server is at its cap, the
     * next call waits (back-pressure). Default: no cap beyond {@link #maxConcurrentRequests(int)}.
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
     * How long a server of a fleet that failed (HTTP 429 or 5xx, a timeout, a connection error) is
     * left out: {@code initial} after its first failure in a row, twice as long after each next
     * one, at most {@code max}; then one probe call decides. A lone server is never left out.
     * Defaults 2 s and 60 s.
     *
     * @throws IllegalArgumentException if either is zero or negative, or {@code max < initial}
     * @throws IllegalStateException if already set
     */
    public Builder endpointDowntime(Duration initial, Duration max) {
      set.mark("endpointDowntime");
      Duration[] d = durations("downtime", initial, max);
      this.initialDowntime = d[0];
      this.maxDowntime = d[1];
      return this;
    }

    /**
     * The served model's name, as the server knows it. Required.
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
     * How to sample: {@code temperature}, {@code top_p}, {@code top_k} (sent only when set, a vLLM
     * and SGLang extension), {@code max_tokens}, {@code seed} (calls split from one request get
     * seed, seed+1, ...) and {@code stop}. Default: {@link SamplingParams#stepSearch()} with top-p
     * 1.
     *
     * @throws NullPointerException if {@code params} is null
     * @throws IllegalStateException if already set
     */
    public Builder sampling(SamplingParams params) {
      set.mark("sampling");
      this.sampling = Objects.requireNonNull(params, "params");
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
     * The backoff: the first retry waits about {@code initial}, each next one twice as long (with
     * jitter), never more than {@code max}; a {@code Retry-After} header lengthens the wait up to
     * {@code max}. Defaults 500 ms and 20 s.
     *
     * @throws IllegalArgumentException if either is zero or negative, or {@code max < initial}
     * @throws IllegalStateException if already set
     */
    public Builder backoff(Duration initial, Duration max) {
      set.mark("backoff");
      Duration[] d = durations("backoff", initial, max);
      this.initialBackoff = d[0];
      this.maxBackoff = d[1];
      return this;
    }

    /**
     * Calls in flight at once, {@code >= 1}; default 32.
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
     * The largest {@code n} of one call (servers cap it); a request for more candidates is split
     * into several calls. Default: no cap.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxNPerCall(int max) {
      set.mark("maxNPerCall");
      this.maxNPerCall = Checks.positive("maxNPerCall", max);
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalStateException if the base URL or the model is missing
     */
    public OpenAiCompatiblePolicy build() {
      if (endpoints == null) {
        throw new IllegalStateException("baseUrl is required (e.g. http://localhost:8000)");
      }
      if (model == null) {
        throw new IllegalStateException("model is required (the served model's name)");
      }
      return new OpenAiCompatiblePolicy(this);
    }
  }

  static Duration[] durations(String what, Duration initial, Duration max) {
    Duration i = Checks.positive("initial " + what, initial);
    Duration m = Checks.positive("max " + what, max);
    if (m.compareTo(i) < 0) {
      throw new IllegalArgumentException(
          "max " + what + " " + m + " is below the initial " + what + " " + i);
    }
    return new Duration[] {i, m};
  }

  static List<URI> endpointsOf(List<String> urls, java.util.function.Function<String, URI> map) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no base URL given");
    }
    List<URI> out = new ArrayList<>();
    for (String u : urls) {
      URI e = map.apply(u);
      if (out.contains(e)) {
        throw new IllegalArgumentException("base URL given twice: " + u);
      }
      out.add(e);
    }
    return List.copyOf(out);
  }
}
