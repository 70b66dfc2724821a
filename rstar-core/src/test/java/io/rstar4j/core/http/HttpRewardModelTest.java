package io.rstar4j.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rstar4j.core.Problem;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP reward model against a local server on 127.0.0.1 that speaks vLLM's {@code /pooling}
 * (scalar and embed) and SGLang's {@code /classify}, with the failures the HTTP policy is tested
 * with.
 */
class HttpRewardModelTest {

  record Reply(int status, String body, long delayMillis, String retryAfter) {
    static Reply ok(String body) {
      return new Reply(200, body, 0, null);
    }
  }

  private static final int HIDDEN = 6;

  private HttpServer server;
  private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
  private final List<String> paths = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile BiFunction<String, JsonObject, Reply> fallback = HttpRewardModelTest::served;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/pooling", this::handle);
    server.createContext("/classify", this::handle);
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
      String path = ex.getRequestURI().getPath();
      received.add(req);
      paths.add(path);
      Reply r = script.poll();
      if (r == null) {
        r = fallback.apply(path, req);
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
      // the client gave up
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  /** The served raw reward of a text: its length mod 13, minus 6 (so in [-6, 6]). */
  static double rawOf(String text) {
    return text.length() % 13 - 6;
  }

  /** The served hidden state of a text: a fixed function of its characters. */
  static float[] hiddenOf(String text) {
    float[] h = new float[HIDDEN];
    for (int i = 0; i < text.length(); i++) {
      h[i % HIDDEN] += (text.charAt(i) % 17) / 16f - 0.5f;
    }
    for (int k = 0; k < HIDDEN; k++) {
      h[k] /= 3f;
    }
    return h;
  }

  /** Like the servers: vLLM pooling (classify: [raw]; embed: the hidden state), SGLang classify. */
  static Reply served(String path, JsonObject req) {
    if (path.equals("/classify")) {
      JsonArray out = new JsonArray();
      int i = 0;
      for (JsonElement t : req.getAsJsonArray("text")) {
        JsonObject o = new JsonObject();
        JsonArray e = new JsonArray();
        e.add(rawOf(t.getAsString()));
        o.add("embedding", e);
        JsonObject meta = new JsonObject();
        meta.addProperty("id", "req-" + i++);
        meta.addProperty("prompt_tokens", t.getAsString().length() / 4);
        o.add("meta_info", meta);
        out.add(o);
      }
      return Reply.ok(out.toString());
    }
    boolean embed = req.get("task").getAsString().equals("embed");
    JsonArray data = new JsonArray();
    JsonArray in = req.getAsJsonArray("input");
    int tokens = 0;
    // answer in reverse order: the index field, not the position, says which input it is
    for (int i = in.size() - 1; i >= 0; i--) {
      String t = in.get(i).getAsString();
      tokens += t.length() / 4;
      JsonObject d = new JsonObject();
      d.addProperty("index", i);
      d.addProperty("object", "pooling");
      JsonArray v = new JsonArray();
      if (embed) {
        for (float x : hiddenOf(t)) {
          v.add(x);
        }
      } else {
        v.add(rawOf(t));
      }
      d.add("data", v);
      data.add(d);
    }
    JsonObject usage = new JsonObject();
    usage.addProperty("prompt_tokens", tokens);
    usage.addProperty("total_tokens", tokens);
    JsonObject root = new JsonObject();
    root.addProperty("id", "pool-1");
    root.addProperty("object", "list");
    root.add("data", data);
    root.add("usage", usage);
    return Reply.ok(root.toString());
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private HttpRewardModel.Builder reward() {
    return HttpRewardModel.builder()
        .baseUrl(url())
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private static final Problem P = Problem.of("p1", "What is 2+3?", "5");
  private static final Problem Q = Problem.of("p2", "What is 7*6?", "42");

  private static Step code(String c) {
    return Step.Code.of(c + "<end_of_step>");
  }

  private static RewardRequest req(Problem p, Step... steps) {
    return new RewardRequest(p, Trajectory.of(steps));
  }

  private static List<RewardRequest> sampleBatch() {
    Step a = code("x = 2 + 3\nprint(x)\n");
    return List.of(
        req(P, a),
        req(P, a, Step.Answer.of("The answer is \\boxed{5}")),
        req(P, a, Step.Answer.of("The answer is \\boxed{6}")),
        req(Q, code("print(7*6)\n")),
        req(P));
  }

  @Test
  void vllmRewardSendsTheTrainingTextsAndSquashesTheServedScalar() {
    List<RewardRequest> batch = sampleBatch();
    try (HttpRewardModel rm = reward().model("ppm-7b").build()) {
      double[] s = rm.score(batch);
      assertEquals(1, received.size(), "one call for the whole batch");
      assertEquals("/pooling", paths.get(0));
      JsonObject body = received.get(0);
      assertEquals("ppm-7b", body.get("model").getAsString());
      assertEquals("classify", body.get("task").getAsString());
      assertFalse(body.has("normalize"));
      List<String> sent = new ArrayList<>();
      body.getAsJsonArray("input").forEach(e -> sent.add(e.getAsString()));
      Set<String> expectedTexts = new HashSet<>();
      long tokens = 0;
      for (int i = 0; i < batch.size(); i++) {
        RewardRequest r = batch.get(i);
        String text = PromptTemplate.TRAINING.render(r.problem().question(), r.partial());
        assertEquals(rm.textOf(r), text);
        assertTrue(sent.contains(text), "sent: " + text);
        assertEquals(Math.tanh(rawOf(text) / 5), s[i], 0.0, "request " + i);
        if (expectedTexts.add(text)) {
          tokens += text.length() / 4;
        }
      }
      assertTrue(sent.get(0).startsWith("<|user|>:\nWhat is 2+3?\n<|assistant|>: Let's think"));
      assertEquals(new HttpRewardModel.Stats(1, 0, 5, tokens), rm.stats());
    }
  }

  @Test
  void vllmEmbedAppliesTheValueHeadInJava() {
    float[] w = {0.5f, -1.25f, 2f, 0.125f, -0.75f, 3f};
    float b = 0.3f;
    List<RewardRequest> batch = sampleBatch();
    try (HttpRewardModel rm =
        reward().api(HttpRewardModel.Api.VLLM_EMBED).valueHead(w, b).build()) {
      double[] s = rm.score(batch);
      JsonObject body = received.get(0);
      assertEquals("embed", body.get("task").getAsString());
      assertFalse(body.get("normalize").getAsBoolean(), "the raw hidden state is asked for");
      for (int i = 0; i < batch.size(); i++) {
        float[] h = hiddenOf(rm.textOf(batch.get(i)));
        // the hidden state crosses JSON as the server's float32 printed in decimal
        double r = b;
        for (int k = 0; k < HIDDEN; k++) {
          r += (double) w[k] * Float.parseFloat(Float.toString(h[k]));
        }
        assertEquals(Math.tanh(r / 5), s[i], 0.0, "request " + i);
      }
    }
  }

  @Test
  void perTokenOutputsUseTheLastToken() {
    fallback =
        (path, req) -> {
          JsonArray data = new JsonArray();
          JsonArray in = req.getAsJsonArray("input");
          for (int i = 0; i < in.size(); i++) {
            JsonObject d = new JsonObject();
            d.addProperty("index", i);
            JsonArray rows = new JsonArray();
            for (int t = 0; t < 3; t++) {
              JsonArray row = new JsonArray();
              row.add(t == 2 ? 0.25 * (i + 1) : 9.0); // only the last token's is in range
              rows.add(row);
            }
            d.add("data", rows);
            data.add(d);
          }
          JsonObject root = new JsonObject();
          root.add("data", data);
          return Reply.ok(root.toString());
        };
    try (HttpRewardModel rm =
        reward().task("token_classify").squash(HttpRewardModel.Squash.PROBABILITY).build()) {
      double[] s = rm.score(List.of(req(P), req(Q)));
      assertEquals("token_classify", received.get(0).get("task").getAsString());
      assertArrayEquals(new double[] {2 * 0.25 - 1, 2 * 0.5 - 1}, s, 1e-12);
    }
  }

  @Test
  void sglangClassify() {
    List<RewardRequest> batch = sampleBatch();
    try (HttpRewardModel rm =
        reward()
            .api(HttpRewardModel.Api.SGLANG_CLASSIFY)
            .model("ppm")
            .scale(2)
            .maxTextsPerCall(2)
            .build()) {
      double[] s = rm.score(batch);
      assertTrue(paths.stream().allMatch("/classify"::equals), paths.toString());
      assertTrue(received.stream().noneMatch(o -> o.has("task") || o.has("input")));
      for (int i = 0; i < batch.size(); i++) {
        assertEquals(Math.tanh(rawOf(rm.textOf(batch.get(i))) / 2), s[i], 0.0);
      }
      assertEquals(3, rm.stats().calls(), "5 texts, at most 2 a call, siblings together");
      assertTrue(rm.stats().promptTokens() > 0);
    }
  }

  @Test
  void siblingsTravelTogetherAndRepeatsAreScoredOnce() {
    Step a = code("a = 1\n");
    Step b = code("b = 2\n");
    List<RewardRequest> batch = new ArrayList<>();
    java.util.Map<String, String> parentOf = new java.util.HashMap<>();
    // two parents of P and one of Q, interleaved; each parent has 3 children
    for (int c = 0; c < 3; c++) {
      batch.add(req(P, a, code("c" + c + " = 0\n")));
      batch.add(req(Q, b, code("d" + c + " = 0\n")));
      batch.add(req(P, b, code("e" + c + " = 0\n")));
    }
    for (RewardRequest r : batch) {
      parentOf.put(
          PromptTemplate.TRAINING.render(r.problem().question(), r.partial()),
          r.problem().id() + "/" + r.partial().steps().get(0).text());
    }
    batch.add(batch.get(0)); // a repeat
    try (HttpRewardModel rm = reward().maxTextsPerCall(4).maxConcurrentRequests(1).build()) {
      double[] s = rm.score(batch);
      assertEquals(s[0], s[batch.size() - 1]);
      assertEquals(9, rm.stats().texts(), "the repeat is not sent again");
      assertEquals(3, received.size(), "three groups of three, at most four a call");
      for (JsonObject call : received) {
        Set<String> parents = new HashSet<>();
        for (JsonElement t : call.getAsJsonArray("input")) {
          parents.add(parentOf.get(t.getAsString()));
        }
        assertEquals(1, parents.size(), "one sibling group a call: " + call);
      }
      for (int i = 0; i < batch.size(); i++) {
        assertEquals(Math.tanh(rawOf(rm.textOf(batch.get(i))) / 5), s[i], 0.0);
      }
    }
  }

  @Test
  void callsRunConcurrently() {
    fallback = (path, req) -> new Reply(200, served(path, req).body(), 300, null);
    List<RewardRequest> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(req(Problem.of("q" + i, "question " + i, "1")));
    }
    try (HttpRewardModel rm = reward().maxTextsPerCall(1).maxConcurrentRequests(8).build()) {
      long t0 = System.nanoTime();
      double[] s = rm.score(batch);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      for (int i = 0; i < 8; i++) {
        assertEquals(Math.tanh(rawOf(rm.textOf(batch.get(i))) / 5), s[i], 0.0);
      }
      assertTrue(maxInFlight.get() >= 4, "at most " + maxInFlight.get() + " in flight");
      assertTrue(ms < 8 * 300, "8 calls of 300 ms took " + ms + " ms");
    }
  }

  @Test
  void tooManyRequestsThenSuccessIsRetried() {
    script.add(new Reply(429, "{\"error\":\"slow down\"}", 0, "0"));
    script.add(new Reply(503, "overloaded", 0, null));
    try (HttpRewardModel rm = reward().maxRetries(3).build()) {
      assertEquals(1, rm.score(List.of(req(P))).length);
      assertEquals(3, received.size());
      assertEquals(2, rm.stats().retries());
      assertEquals(1, rm.stats().calls());
    }
  }

  @Test
  void retryAfterIsHonoured() {
    script.add(new Reply(429, "{\"error\":\"slow down\"}", 0, "0.4"));
    try (HttpRewardModel rm =
        HttpRewardModel.builder()
            .baseUrl(url())
            .backoff(Duration.ofMillis(1), Duration.ofSeconds(5))
            .build()) {
      long t0 = System.nanoTime();
      rm.score(List.of(req(P)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 380, "waited only " + ms + " ms despite Retry-After: 0.4");
    }
  }

  @Test
  void serverErrorsExhaustTheRetries() {
    fallback = (p, r) -> new Reply(500, "{\"error\":\"CUDA out of memory\"}", 0, null);
    try (HttpRewardModel rm = reward().maxRetries(2).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      assertEquals(500, e.statusCode());
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
      assertTrue(e.getMessage().contains("CUDA out of memory"), e.getMessage());
      assertEquals(3, received.size());
    }
  }

  @Test
  void clientErrorsAreNotRetried() {
    fallback =
        (p, r) ->
            new Reply(
                400,
                "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096"
                    + " tokens. However, you requested 9000 tokens.\",\"code\":400}",
                0,
                null);
    try (HttpRewardModel rm = reward().maxRetries(5).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      assertEquals(400, e.statusCode());
      assertTrue(e.getMessage().contains("maximum context length is 4096"), e.getMessage());
      assertEquals(1, received.size());
    }
  }

  @Test
  void malformedRepliesAreClearErrors() {
    List<String> bodies =
        List.of(
            "this is not json",
            "[1,2]",
            "{\"id\":\"x\"}",
            "{\"data\":[{\"index\":0,\"data\":[0.1]},{\"index\":1,\"data\":[0.2]}]}",
            "{\"data\":[{\"index\":3,\"data\":[0.1]}]}",
            "{\"data\":[{\"index\":0}]}",
            "{\"data\":[{\"index\":0,\"data\":[0.1,0.9]}]}",
            "{\"data\":[{\"index\":0,\"data\":[\"x\"]}]}",
            "{\"error\":{\"message\":\"bad things\"}}");
    List<String> expected =
        List.of(
            "not JSON",
            "expected a JSON object",
            "no \"data\" array",
            "sent 1 texts, got 2 results",
            "index",
            "has no \"data\"",
            "expected one score",
            "not a number",
            "bad things");
    try (HttpRewardModel rm = reward().maxRetries(3).build()) {
      for (int i = 0; i < bodies.size(); i++) {
        script.add(Reply.ok(bodies.get(i)));
        int before = received.size();
        HttpPolicyException e =
            assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
        assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
        assertTrue(e.getMessage().contains(url()), "names the endpoint: " + e.getMessage());
        assertEquals(before + 1, received.size(), "a malformed reply is not retried");
      }
    }
    // out of range for the squash, wrong hidden size, SGLang's count
    script.add(Reply.ok("{\"data\":[{\"index\":0,\"data\":[1.5]}]}"));
    try (HttpRewardModel rm = reward().squash(HttpRewardModel.Squash.IDENTITY).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      assertTrue(e.getMessage().contains("not a score in [-1, 1]"), e.getMessage());
    }
    script.add(Reply.ok("{\"data\":[{\"index\":0,\"data\":[1.5, 2]}]}"));
    try (HttpRewardModel rm =
        reward().api(HttpRewardModel.Api.VLLM_EMBED).valueHead(new float[3], 0).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      assertTrue(
          e.getMessage().contains("2 values but the value head has hidden size 3"), e.getMessage());
    }
    script.add(Reply.ok("[{\"embedding\":[0.1]}]"));
    try (HttpRewardModel rm = reward().api(HttpRewardModel.Api.SGLANG_CLASSIFY).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P), req(Q))));
      assertTrue(e.getMessage().contains("sent 2 texts, got 1 results"), e.getMessage());
    }
  }

  @Test
  void slowRepliesHitTheTimeout() {
    fallback = (p, r) -> new Reply(200, served(p, r).body(), 3000, null);
    try (HttpRewardModel rm = reward().timeout(Duration.ofMillis(200)).maxRetries(1).build()) {
      long t0 = System.nanoTime();
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(
          e.getMessage().contains("timed out") && e.getMessage().contains("after 2 attempts"),
          e.getMessage());
      assertEquals(-1, e.statusCode());
      assertTrue(ms < 2500, "gave up after " + ms + " ms");
    }
  }

  @Test
  void anUnreachableServerIsAClearError() {
    int port = server.getAddress().getPort();
    server.stop(0);
    try (HttpRewardModel rm =
        HttpRewardModel.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .maxRetries(1)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
            .build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> rm.score(List.of(req(P))));
      assertTrue(
          e.getMessage().contains("cannot connect") || e.getMessage().contains("I/O error"),
          e.getMessage());
      assertTrue(e.getMessage().contains("/pooling"), e.getMessage());
    }
  }

  @Test
  void emptyBatchMakesNoCall() {
    try (HttpRewardModel rm = reward().build()) {
      assertEquals(0, rm.score(List.of()).length);
      assertEquals(0, received.size());
    }
  }

  @Test
  void builderValidatesEagerly() {
    assertThrows(IllegalStateException.class, () -> HttpRewardModel.builder().build());
    assertThrows(
        IllegalArgumentException.class, () -> HttpRewardModel.builder().baseUrl("localhost:8001"));
    assertThrows(
        IllegalStateException.class,
        () -> HttpRewardModel.builder().baseUrl("http://h").baseUrls(List.of("http://g")));
    assertThrows(
        IllegalArgumentException.class,
        () -> HttpRewardModel.builder().baseUrls(List.of("http://g", "http://g/")));
    assertThrows(
        IllegalArgumentException.class, () -> HttpRewardModel.builder().baseUrls(List.of()));
    IllegalStateException noHead =
        assertThrows(
            IllegalStateException.class,
            () ->
                HttpRewardModel.builder()
                    .baseUrl("http://h")
                    .api(HttpRewardModel.Api.VLLM_EMBED)
                    .build());
    assertTrue(noHead.getMessage().contains("value head"), noHead.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> HttpRewardModel.builder().baseUrl("http://h").valueHead(new float[2], 0).build());
    assertThrows(
        IllegalStateException.class,
        () ->
            HttpRewardModel.builder()
                .baseUrl("http://h")
                .api(HttpRewardModel.Api.SGLANG_CLASSIFY)
                .task("classify")
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () -> HttpRewardModel.builder().valueHead(new float[] {Float.NaN}, 0));
    assertThrows(IllegalArgumentException.class, () -> HttpRewardModel.builder().scale(0));
    assertThrows(
        IllegalArgumentException.class, () -> HttpRewardModel.builder().maxTextsPerCall(0));
    assertThrows(
        IllegalStateException.class,
        () -> HttpRewardModel.builder().api(HttpRewardModel.Api.SGLANG_CLASSIFY).api(null));
    assertEquals(HttpRewardModel.Api.VLLM_EMBED, HttpRewardModel.Api.parse("vllm-embed"));
    assertEquals(HttpRewardModel.Api.SGLANG_CLASSIFY, HttpRewardModel.Api.parse("SGLang"));
    assertThrows(IllegalArgumentException.class, () -> HttpRewardModel.Api.parse("tgi"));
    assertEquals(
        "http://h:8001/classify",
        HttpRewardModel.builder()
            .baseUrl("http://h:8001/")
            .api(HttpRewardModel.Api.SGLANG_CLASSIFY)
            .build()
            .endpoints()
            .get(0)
            .toString());
  }
}
