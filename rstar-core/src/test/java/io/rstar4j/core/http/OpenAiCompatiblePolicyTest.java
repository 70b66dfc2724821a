package io.rstar4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.Trajectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP policy against a local server on 127.0.0.1 that speaks /v1/completions. */
class OpenAiCompatiblePolicyTest {

  /** What the scripted server answers to one call. */
  record Reply(int status, String body, long delayMillis, String retryAfter) {
    static Reply ok(String body) {
      return new Reply(200, body, 0, null);
    }
  }

  private HttpServer server;
  private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();

  /** Answers calls once the script is used up: a vLLM-like echo of the request. */
  private volatile Function<JsonObject, Reply> fallback = OpenAiCompatiblePolicyTest::vllmLike;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/completions", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonObject req = JsonParser.parseString(body).getAsJsonObject();
      received.add(req);
      Reply r = script.poll();
      if (r == null) {
        r = fallback.apply(req);
      }
      if (r.delayMillis() > 0) {
        try {
          Thread.sleep(r.delayMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      if (r.retryAfter() != null) {
        ex.getResponseHeaders().add("Retry-After", r.retryAfter());
      }
      ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    } catch (IOException e) {
      // the client gave up (timeout): nothing to answer
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  /**
   * Like vLLM: choice i of a prompt is "step i of <last 10 chars of the prompt>" and stops at
   * <end_of_step> (stripped, reported in stop_reason).
   */
  static Reply vllmLike(JsonObject req) {
    int n = req.get("n").getAsInt();
    String prompt = req.get("prompt").getAsString();
    String tail = prompt.substring(Math.max(0, prompt.length() - 10));
    JsonArray choices = new JsonArray();
    for (int i = 0; i < n; i++) {
      JsonObject c = new JsonObject();
      c.addProperty("index", i);
      c.addProperty("text", "step " + i + " of " + tail);
      c.addProperty("finish_reason", "stop");
      c.addProperty("stop_reason", "<end_of_step>");
      choices.add(c);
    }
    JsonObject usage = new JsonObject();
    usage.addProperty("prompt_tokens", 17);
    usage.addProperty("completion_tokens", 5 * n);
    JsonObject root = new JsonObject();
    root.addProperty("id", "cmpl-1");
    root.addProperty("object", "text_completion");
    root.add("choices", choices);
    root.add("usage", usage);
    return Reply.ok(root.toString());
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private OpenAiCompatiblePolicy.Builder policy() {
    return OpenAiCompatiblePolicy.builder()
        .baseUrl(url())
        .model("qwen-math-7b")
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private static PolicyRequest request(String question, int n) {
    return new PolicyRequest(Problem.of("p", question, "1"), Trajectory.empty(), n);
  }

  @Test
  void sendsTheProtocolFieldsAndPutsTheStopStringBack() {
    try (OpenAiCompatiblePolicy p =
        policy()
            .sampling(
                SamplingParams.stepSearch().toBuilder()
                    .temperature(0.6)
                    .topP(0.95)
                    .maxTokens(256)
                    .seed(42)
                    .build())
            .apiKey("k")
            .build()) {
      PolicyRequest r = request("What is 1+1?", 3);
      List<Generation> gens = p.propose(r);
      assertEquals(3, gens.size());
      JsonObject req = received.get(0);
      assertEquals("qwen-math-7b", req.get("model").getAsString());
      assertEquals(r.prompt(), req.get("prompt").getAsString());
      assertEquals(3, req.get("n").getAsInt());
      assertEquals(0.6, req.get("temperature").getAsDouble());
      assertEquals(0.95, req.get("top_p").getAsDouble());
      assertEquals(256, req.get("max_tokens").getAsInt());
      assertEquals(42, req.get("seed").getAsLong());
      assertFalse(req.has("top_k"), "top_k is sent only when set");
      List<String> stops = new ArrayList<>();
      req.getAsJsonArray("stop").forEach(e -> stops.add(e.getAsString()));
      assertEquals(StepFormat.STOP_STRINGS, stops);
      String tail = r.prompt().substring(r.prompt().length() - 10);
      for (int i = 0; i < 3; i++) {
        Generation g = gens.get(i);
        assertEquals("step " + i + " of " + tail + "<end_of_step>", g.text());
        assertEquals(StopReason.STOP_STRING, g.stopReason());
        assertEquals(17, g.promptTokens());
        assertEquals(5, g.completionTokens());
      }
      assertEquals(new OpenAiCompatiblePolicy.Stats(1, 0, 17, 15), p.stats());
    }
  }

  @Test
  void theDefaultSamplingAndTopKWhenSet() {
    try (OpenAiCompatiblePolicy p = policy().build()) {
      assertEquals(SamplingParams.stepSearch().toBuilder().topP(1.0).build(), p.sampling());
      p.propose(request("q", 1));
      JsonObject req = received.get(0);
      assertEquals(0.7, req.get("temperature").getAsDouble());
      assertEquals(1.0, req.get("top_p").getAsDouble());
      assertEquals(1024, req.get("max_tokens").getAsInt());
      assertFalse(req.has("seed"));
    }
    received.clear();
    try (OpenAiCompatiblePolicy p =
        policy().sampling(SamplingParams.builder().topK(20).temperature(0).build()).build()) {
      p.propose(request("q", 1));
      JsonObject req = received.get(0);
      assertEquals(20, req.get("top_k").getAsInt());
      assertEquals(0.0, req.get("temperature").getAsDouble());
      assertFalse(req.has("stop"), "no stop strings asked for, none sent");
    }
  }

  @Test
  void finishReasonsMapToStopReasons() {
    script.add(
        Reply.ok(
            "{\"choices\":["
                + "{\"index\":1,\"text\":\"cut short\",\"finish_reason\":\"length\",\"stop_reason\":null},"
                + "{\"index\":0,\"text\":\"print(2)\\n\",\"finish_reason\":\"stop\",\"stop_reason\":\"<end_of_code>\"},"
                + "{\"index\":2,\"text\":\"the end\",\"finish_reason\":\"stop\",\"stop_reason\":null},"
                + "{\"index\":3,\"text\":\"kept <end_of_answer>\",\"finish_reason\":\"stop\"},"
                + "{\"index\":4,\"text\":\"sglang \\\\boxed{2}\",\"finish_reason\":\"stop\",\"matched_stop\":\"<end_of_answer>\"},"
                + "{\"index\":5,\"text\":\"eos token\",\"finish_reason\":\"stop\",\"stop_reason\":151643}"
                + "],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":10}}"));
    try (OpenAiCompatiblePolicy p = policy().build()) {
      List<Generation> gens = p.propose(request("q", 6));
      assertEquals("print(2)\n<end_of_code>", gens.get(0).text());
      assertEquals(StopReason.STOP_STRING, gens.get(0).stopReason());
      assertEquals("cut short", gens.get(1).text());
      assertEquals(StopReason.MAX_TOKENS, gens.get(1).stopReason());
      assertEquals("the end", gens.get(2).text());
      assertEquals(StopReason.END_OF_SEQUENCE, gens.get(2).stopReason());
      assertEquals(
          "kept <end_of_answer>",
          gens.get(3).text(),
          "a stop string the server kept is not doubled");
      assertEquals(StopReason.STOP_STRING, gens.get(3).stopReason());
      assertEquals("sglang \\boxed{2}<end_of_answer>", gens.get(4).text());
      assertEquals(StopReason.END_OF_SEQUENCE, gens.get(5).stopReason());
      assertEquals(
          10,
          gens.stream().mapToInt(Generation::completionTokens).sum(),
          "usage is shared out exactly");
      assertTrue(gens.stream().allMatch(g -> g.promptTokens() == 9));
    }
  }

  @Test
  void aBatchRunsConcurrentlyAndKeepsItsOrder() {
    fallback =
        req -> {
          Reply r = vllmLike(req);
          return new Reply(200, r.body(), 300, null);
        };
    try (OpenAiCompatiblePolicy p = policy().maxConcurrentRequests(8).build()) {
      List<PolicyRequest> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        batch.add(request("question number " + i, 2));
      }
      long t0 = System.nanoTime();
      List<List<Generation>> out = p.propose(batch);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(8, out.size());
      for (int i = 0; i < 8; i++) {
        String tail = batch.get(i).prompt().substring(batch.get(i).prompt().length() - 10);
        assertEquals("step 1 of " + tail + "<end_of_step>", out.get(i).get(1).text());
      }
      assertTrue(
          maxInFlight.get() >= 4, "calls overlapped: at most " + maxInFlight.get() + " in flight");
      assertTrue(ms < 8 * 300, "8 calls of 300 ms took " + ms + " ms: not concurrent");
    }
  }

  @Test
  void largeNIsSplitOverCallsWithDistinctSeeds() {
    try (OpenAiCompatiblePolicy p =
        policy()
            .maxNPerCall(2)
            .sampling(SamplingParams.stepSearch().toBuilder().seed(7).build())
            .build()) {
      List<Generation> gens = p.propose(request("q", 5));
      assertEquals(5, gens.size());
      List<Integer> ns = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      for (JsonObject r : received) {
        ns.add(r.get("n").getAsInt());
        seeds.add(r.get("seed").getAsLong());
      }
      Collections.sort(ns);
      Collections.sort(seeds);
      assertEquals(List.of(1, 2, 2), ns);
      assertEquals(List.of(7L, 8L, 9L), seeds);
    }
  }

  @Test
  void tooManyRequestsThenSuccessIsRetried() {
    script.add(new Reply(429, "{\"error\":\"slow down\"}", 0, "0"));
    script.add(new Reply(503, "overloaded", 0, null));
    try (OpenAiCompatiblePolicy p = policy().maxRetries(3).build()) {
      List<Generation> gens = p.propose(request("q", 2));
      assertEquals(2, gens.size());
      assertEquals(3, received.size());
      assertEquals(2, p.stats().retries());
      assertEquals(1, p.stats().calls());
    }
  }

  @Test
  void serverErrorsExhaustTheRetries() {
    fallback = req -> new Reply(500, "{\"error\":\"CUDA out of memory\"}", 0, null);
    try (OpenAiCompatiblePolicy p = policy().maxRetries(2).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(request("q", 1)));
      assertEquals(500, e.statusCode());
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
      assertTrue(
          e.getMessage().contains("HTTP 500") && e.getMessage().contains("CUDA out of memory"),
          e.getMessage());
      assertEquals(3, received.size());
    }
  }

  @Test
  void clientErrorsAreNotRetried() {
    fallback =
        req -> new Reply(404, "{\"error\":{\"message\":\"model 'x' does not exist\"}}", 0, null);
    try (OpenAiCompatiblePolicy p = policy().maxRetries(5).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(request("q", 1)));
      assertEquals(404, e.statusCode());
      assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
      assertEquals(1, received.size());
    }
  }

  @Test
  void aPromptLongerThanTheContextIsReportedWithTheServersWords() {
    fallback =
        req ->
            new Reply(
                400,
                "{\"object\":\"error\",\"message\":\"This model's maximum context length is"
                    + " 4096 tokens. However, you requested 9000 tokens.\",\"type\":\"BadRequestError\",\"code\":400}",
                0,
                null);
    try (OpenAiCompatiblePolicy p = policy().maxRetries(3).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(request("q".repeat(20000), 1)));
      assertEquals(400, e.statusCode());
      assertTrue(e.getMessage().contains("maximum context length is 4096 tokens"), e.getMessage());
      assertEquals(1, received.size(), "a 400 is not retried");
    }
  }

  @Test
  void malformedRepliesAreClearErrors() {
    List<String> bodies =
        List.of(
            "this is not json",
            "[1,2,3]",
            "{\"id\":\"x\"}",
            "{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":0,\"text\":\"a\"},{\"index\":1,\"text\":\"b\"}]}",
            "{\"choices\":[{\"index\":5,\"text\":\"a\"}]}",
            "{\"error\":{\"message\":\"bad things\"}}");
    List<String> expected =
        List.of(
            "not JSON",
            "expected a JSON object",
            "no \"choices\" array",
            "has no \"text\" string",
            "asked for 1 choices, got 2",
            "index",
            "bad things");
    try (OpenAiCompatiblePolicy p = policy().maxRetries(3).build()) {
      for (int i = 0; i < bodies.size(); i++) {
        script.add(Reply.ok(bodies.get(i)));
        int before = received.size();
        HttpPolicyException e =
            assertThrows(HttpPolicyException.class, () -> p.propose(request("q", 1)));
        assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
        assertTrue(e.getMessage().contains(url()), "names the endpoint: " + e.getMessage());
        assertEquals(before + 1, received.size(), "a malformed reply is not retried");
      }
    }
  }

  @Test
  void slowRepliesHitTheTimeout() {
    fallback = req -> new Reply(200, vllmLike(req).body(), 3000, null);
    try (OpenAiCompatiblePolicy p =
        policy().timeout(Duration.ofMillis(200)).maxRetries(1).build()) {
      long t0 = System.nanoTime();
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(request("q", 1)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(
          e.getMessage().contains("timed out") && e.getMessage().contains("after 2 attempts"),
          e.getMessage());
      assertEquals(-1, e.statusCode());
      assertTrue(ms < 2500, "gave up after " + ms + " ms");
    }
    // a slow reply within the timeout is fine
    script.add(new Reply(200, vllmLike(sample()).body(), 100, null));
    try (OpenAiCompatiblePolicy p = policy().timeout(Duration.ofSeconds(5)).build()) {
      assertEquals(1, p.propose(request("q", 1)).size());
    }
  }

  private static JsonObject sample() {
    JsonObject o = new JsonObject();
    o.addProperty("n", 1);
    o.addProperty("prompt", "whatever prompt");
    return o;
  }

  @Test
  void anUnreachableServerIsAClearError() {
    int port = server.getAddress().getPort();
    server.stop(0);
    try (OpenAiCompatiblePolicy p =
        OpenAiCompatiblePolicy.builder()
            .baseUrl("http://127.0.0.1:" + port + "/v1")
            .model("m")
            .maxRetries(1)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
            .build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(request("q", 1)));
      assertTrue(
          e.getMessage().contains("cannot connect") || e.getMessage().contains("I/O error"),
          e.getMessage());
    }
  }

  @Test
  void builderValidatesEagerly() {
    assertThrows(
        IllegalStateException.class, () -> OpenAiCompatiblePolicy.builder().model("m").build());
    assertThrows(
        IllegalStateException.class,
        () -> OpenAiCompatiblePolicy.builder().baseUrl("http://h").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> OpenAiCompatiblePolicy.builder().baseUrl("localhost:8000"));
    assertThrows(
        IllegalArgumentException.class,
        () -> OpenAiCompatiblePolicy.builder().baseUrl("ftp://h/x"));
    // the sampling knobs are checked once, in SamplingParams (see SamplingParamsTest)
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().temperature(-0.1));
    assertThrows(
        IllegalArgumentException.class, () -> SamplingParams.builder().temperature(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().topP(0));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().topP(1.5));
    assertThrows(IllegalArgumentException.class, () -> SamplingParams.builder().maxTokens(0));
    assertThrows(
        IllegalArgumentException.class, () -> OpenAiCompatiblePolicy.builder().maxRetries(-1));
    assertThrows(
        IllegalArgumentException.class, () -> SamplingParams.builder().stopStrings(List.of("")));
    assertThrows(
        IllegalStateException.class,
        () -> OpenAiCompatiblePolicy.builder().model("m").model("n"),
        "an option set twice");
    assertThrows(
        IllegalStateException.class,
        () ->
            OpenAiCompatiblePolicy.builder()
                .sampling(SamplingParams.greedy(8))
                .sampling(SamplingParams.greedy(9)));
    assertThrows(
        IllegalArgumentException.class,
        () -> OpenAiCompatiblePolicy.builder().timeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            OpenAiCompatiblePolicy.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertEquals(
        "http://h:8000/v1/completions",
        OpenAiCompatiblePolicy.builder()
            .baseUrl("http://h:8000")
            .model("m")
            .build()
            .endpoint()
            .toString());
    assertEquals(
        "http://h:8000/v1/completions",
        OpenAiCompatiblePolicy.builder()
            .baseUrl("http://h:8000/v1/")
            .model("m")
            .build()
            .endpoint()
            .toString());
  }

  @Test
  void emptyBatchMakesNoCall() {
    try (OpenAiCompatiblePolicy p = policy().build()) {
      assertEquals(List.of(), p.propose(List.of()));
      assertEquals(0, received.size());
    }
  }

  @Test
  void completionTokensAreSharedOutExactly() {
    qt().forAll(
            integers().between(0, 100_000),
            lists().of(strings().ascii().ofLengthBetween(0, 30)).ofSizeBetween(1, 12))
        .check(
            (total, texts) -> {
              int[] s = OpenAiCompatiblePolicy.share(total, texts.toArray(new String[0]));
              int sum = 0;
              for (int x : s) {
                if (x < 0) {
                  return false;
                }
                sum += x;
              }
              return sum == total;
            });
  }
}
