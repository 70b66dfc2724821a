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
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
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

  private final URI endpoint;
  private final String model;
  private final SamplingParams sampling;
  private final List<String> stop;
  private final String apiKey;
  private final Duration timeout;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxNPerCall;
  private final HttpClient client;
  private final ExecutorService executor;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();

  private OpenAiCompatiblePolicy(Builder b) {
    this.endpoint = b.endpoint;
    this.model = b.model;
    this.sampling = b.sampling;
    this.stop = b.sampling.stopStrings();
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
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
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
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

  /** The completions endpoint this policy posts to. */
  public URI endpoint() {
    return endpoint;
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
      throw new HttpPolicyException("POST " + endpoint + " failed: " + c, -1, c);
    } catch (InterruptedException e) {
      cancelAll(futures);
      Thread.currentThread().interrupt();
      throw new HttpPolicyException("interrupted while waiting for " + endpoint, -1, e);
    } catch (CancellationException e) {
      throw new HttpPolicyException("call to " + endpoint + " was cancelled", -1, e);
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
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    requestBody(prompt, n, callSeed), StandardCharsets.UTF_8));
    if (apiKey != null) {
      rb.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest request = rb.build();
    int attempts = 0;
    while (true) {
      attempts++;
      String problem;
      int status = -1;
      Exception cause = null;
      Duration retryAfter = null;
      try {
        HttpResponse<String> resp =
            client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        status = resp.statusCode();
        if (status >= 200 && status < 300) {
          List<Generation> gens = parse(resp.body(), n);
          calls.incrementAndGet();
          return gens;
        }
        problem = "HTTP " + status + ": " + excerpt(resp.body());
        if (status != 429 && status < 500) {
          throw new HttpPolicyException(
              "POST " + endpoint + " was refused: " + problem, status, null);
        }
        retryAfter = retryAfter(resp);
      } catch (HttpTimeoutException e) {
        problem = "no reply within " + timeout.toMillis() + " ms (timed out)";
        cause = e;
      } catch (ConnectException e) {
        problem =
            "cannot connect ("
                + (e.getMessage() == null ? "connection refused" : e.getMessage())
                + ")";
        cause = e;
      } catch (IOException e) {
        problem = "I/O error: " + e;
        cause = e;
      }
      if (attempts > maxRetries) {
        throw new HttpPolicyException(
            "POST "
                + endpoint
                + " failed after "
                + attempts
                + " attempt"
                + (attempts == 1 ? "" : "s")
                + ": "
                + problem,
            status,
            cause);
      }
      Duration wait = backoff(attempts, retryAfter);
      retries.incrementAndGet();
      LOG.log(
          System.Logger.Level.WARNING,
          "POST {0}: {1}; retry {2} of {3} in {4} ms",
          endpoint,
          problem,
          attempts,
          maxRetries,
          wait.toMillis());
      Thread.sleep(wait.toMillis());
    }
  }

  private Duration backoff(int attempt, Duration retryAfter) {
    double base = initialBackoff.toMillis() * Math.pow(2, attempt - 1);
    long millis =
        (long)
            Math.min(
                maxBackoff.toMillis(),
                base * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    if (retryAfter != null) {
      millis = Math.max(millis, Math.min(retryAfter.toMillis(), maxBackoff.toMillis()));
    }
    return Duration.ofMillis(millis);
  }

  private static Duration retryAfter(HttpResponse<?> resp) {
    Optional<String> h = resp.headers().firstValue("Retry-After");
    if (h.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofMillis((long) (Double.parseDouble(h.get().trim()) * 1000));
    } catch (NumberFormatException e) {
      return null; // an HTTP date: use our own backoff
    }
  }

  /** The generations of one reply, in choice order. */
  List<Generation> parse(String body, int n) {
    JsonObject root;
    try {
      JsonElement el = JsonParser.parseString(body);
      if (!el.isJsonObject()) {
        throw malformed("expected a JSON object", body);
      }
      root = el.getAsJsonObject();
    } catch (JsonParseException e) {
      throw malformed("not JSON", body);
    }
    if (root.has("error") && !root.get("error").isJsonNull()) {
      throw new HttpPolicyException(
          "POST " + endpoint + " returned an error: " + excerpt(root.get("error").toString()),
          200,
          null);
    }
    JsonElement choicesEl = root.get("choices");
    if (choicesEl == null || !choicesEl.isJsonArray()) {
      throw malformed("no \"choices\" array", body);
    }
    JsonArray choices = choicesEl.getAsJsonArray();
    if (choices.size() != n) {
      throw malformed("asked for " + n + " choices, got " + choices.size(), body);
    }
    String[] texts = new String[n];
    StopReason[] reasons = new StopReason[n];
    for (JsonElement ce : choices) {
      if (!ce.isJsonObject()) {
        throw malformed("a choice is not an object", body);
      }
      JsonObject c = ce.getAsJsonObject();
      int index =
          c.has("index") && c.get("index").isJsonPrimitive() ? c.get("index").getAsInt() : -1;
      if (index < 0 || index >= n || texts[index] != null) {
        throw malformed("choice index missing, out of range or repeated", body);
      }
      JsonElement t = c.get("text");
      if (t == null || !t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
        throw malformed("choice " + index + " has no \"text\" string", body);
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

  private HttpPolicyException malformed(String what, String body) {
    return new HttpPolicyException(
        "malformed reply from " + endpoint + " (" + what + "): " + excerpt(body), 200, null);
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

  private static String excerpt(String body) {
    if (body == null || body.isEmpty()) {
      return "(empty body)";
    }
    String s = body.strip().replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Override
  public String toString() {
    return "OpenAiCompatiblePolicy[" + endpoint + ", model=" + model + "]";
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds an {@link OpenAiCompatiblePolicy}; every setter validates at once, and setting an option
   * twice fails ("model was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private URI endpoint;
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
     * http://localhost:8000/v1}); the policy posts to {@code .../v1/completions}. Required.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if it is not an absolute http(s) URL
     * @throws IllegalStateException if already set
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      set.mark("baseUrl");
      URI u;
      try {
        u = URI.create(url.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("base URL is not a URL: " + url, e);
      }
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new IllegalArgumentException("base URL must be an absolute http(s) URL, was: " + url);
      }
      String s = u.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.endsWith("/completions")) {
        endpoint = URI.create(s);
      } else {
        endpoint = URI.create(s.endsWith("/v1") ? s + "/completions" : s + "/v1/completions");
      }
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
      Duration i = Checks.positive("initial backoff", initial);
      Duration m = Checks.positive("max backoff", max);
      if (m.compareTo(i) < 0) {
        throw new IllegalArgumentException(
            "max backoff " + m + " is below the initial backoff " + i);
      }
      this.initialBackoff = i;
      this.maxBackoff = m;
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
      if (endpoint == null) {
        throw new IllegalStateException("baseUrl is required (e.g. http://localhost:8000)");
      }
      if (model == null) {
        throw new IllegalStateException("model is required (the served model's name)");
      }
      return new OpenAiCompatiblePolicy(this);
    }
  }
}
