package io.rstar4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Trajectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP policy over a fleet of local servers: load spreading, back-pressure, failover. */
class FleetTest {

  /** A local completions server whose choice i answers "i: QUESTION". */
  static final class Server {
    final HttpServer http;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile int failWith; // 0: answer; else this HTTP status
    volatile long delayMillis;

    Server(long delayMillis) throws IOException {
      this.delayMillis = delayMillis;
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      http.setExecutor(Executors.newCachedThreadPool());
      http.createContext("/v1/completions", this::handle);
      http.start();
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      received.incrementAndGet();
      try {
        JsonObject req =
            JsonParser.parseString(
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .getAsJsonObject();
        if (delayMillis > 0) {
          Thread.sleep(delayMillis);
        }
        int status = failWith;
        String body;
        if (status != 0) {
          body = "{\"error\":\"engine dead\"}";
        } else {
          String prompt = req.get("prompt").getAsString();
          String question = prompt.substring(10, prompt.indexOf('\n', 10));
          JsonArray choices = new JsonArray();
          for (int i = 0; i < req.get("n").getAsInt(); i++) {
            JsonObject c = new JsonObject();
            c.addProperty("index", i);
            c.addProperty("text", i + ": " + question);
            c.addProperty("finish_reason", "stop");
            c.addProperty("stop_reason", "<end_of_step>");
            choices.add(c);
          }
          JsonObject root = new JsonObject();
          root.add("choices", choices);
          JsonObject usage = new JsonObject();
          usage.addProperty("prompt_tokens", 10);
          usage.addProperty("completion_tokens", 3);
          root.add("usage", usage);
          body = root.toString();
          status = 200;
        }
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        if (status == 200) {
          answered.incrementAndGet();
        }
      } catch (IOException | InterruptedException e) {
        // killed or the client gave up
      } finally {
        inFlight.decrementAndGet();
        ex.close();
      }
    }
  }

  private final List<Server> servers = new ArrayList<>();

  private Server server(long delayMillis) throws IOException {
    Server s = new Server(delayMillis);
    servers.add(s);
    return s;
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.http.stop(0));
  }

  private static List<PolicyRequest> batch(int size, String tag) {
    List<PolicyRequest> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(
          new PolicyRequest(
              Problem.of("p" + i, "question " + tag + i, "1"), Trajectory.empty(), 1));
    }
    return out;
  }

  private static void assertAnswered(List<PolicyRequest> batch, List<List<Generation>> out) {
    assertEquals(batch.size(), out.size());
    for (int i = 0; i < batch.size(); i++) {
      assertEquals(1, out.get(i).size());
      assertEquals(
          "0: " + batch.get(i).problem().question() + "<end_of_step>", out.get(i).get(0).text());
    }
  }

  private OpenAiCompatiblePolicy.Builder fleet(int perEndpoint) {
    return fleet(perEndpoint, perEndpoint * servers.size());
  }

  private OpenAiCompatiblePolicy.Builder fleet(int perEndpoint, int concurrency) {
    List<String> urls = new ArrayList<>();
    servers.forEach(s -> urls.add(s.url()));
    return OpenAiCompatiblePolicy.builder()
        .baseUrls(urls)
        .model("m")
        .maxConcurrentRequests(concurrency)
        .maxInFlightPerEndpoint(perEndpoint)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  @Test
  void requestsSpreadByLoadWithinThePerServerCap() throws IOException {
    for (int i = 0; i < 3; i++) {
      server(80);
    }
    // more concurrency than the caps allow: the caps hold the rest back
    try (OpenAiCompatiblePolicy p = fleet(2, 16).build()) {
      List<PolicyRequest> b = batch(18, "a");
      assertAnswered(b, p.propose(b));
      List<EndpointStats> stats = p.endpointStats();
      assertEquals(3, stats.size());
      long calls = 0;
      for (int i = 0; i < 3; i++) {
        Server s = servers.get(i);
        EndpointStats st = stats.get(i);
        assertEquals(s.url() + "/v1/completions", st.endpoint().toString());
        assertTrue(s.maxInFlight.get() <= 2, "server " + i + " had " + s.maxInFlight + " at once");
        assertTrue(st.maxInFlight() <= 2, st.describe());
        assertTrue(st.calls() >= 4 && st.calls() <= 8, "uneven spread: " + st.describe());
        assertEquals(10 * st.calls(), st.promptTokens());
        assertEquals(3 * st.calls(), st.completionTokens());
        assertTrue(st.up() && st.failures() == 0 && st.inFlight() == 0, st.describe());
        calls += st.calls();
      }
      assertEquals(18, calls);
      assertEquals(18, p.stats().calls());
    }
  }

  @Test
  void aFailingServerIsTakenOutAndTriedAgainLater() throws Exception {
    Server bad = server(0);
    server(20);
    server(20);
    bad.failWith = 503;
    try (OpenAiCompatiblePolicy p =
        fleet(4).endpointDowntime(Duration.ofSeconds(3), Duration.ofSeconds(3)).build()) {
      List<PolicyRequest> b = batch(24, "b");
      assertAnswered(b, p.propose(b));
      EndpointStats st = p.endpointStats().get(0);
      assertEquals(0, st.calls());
      assertTrue(st.failures() >= 1 && st.takenOut() >= 1, st.describe());
      assertFalse(st.up(), "still out right after failing: " + st.describe());
      assertTrue(bad.received.get() <= 4, "kept sending to a failing server: " + bad.received);
      assertEquals(24, p.endpointStats().get(1).calls() + p.endpointStats().get(2).calls());

      // healed: once its downtime is over a probe call finds it and it takes calls again
      bad.failWith = 0;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!p.endpointStats().get(0).up() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<PolicyRequest> b2 = batch(24, "c");
      assertAnswered(b2, p.propose(b2));
      EndpointStats back = p.endpointStats().get(0);
      assertTrue(back.up() && back.calls() > 0, back.describe());
    }
  }

  @Test
  void aServerKilledMidRunLosesNothingAndDoesNothingTwice() throws Exception {
    Server doomed = server(150);
    Server other = server(150);
    try (OpenAiCompatiblePolicy p = fleet(4).build()) {
      List<PolicyRequest> b = batch(40, "d");
      CompletableFuture<List<List<Generation>>> run =
          CompletableFuture.supplyAsync(() -> p.propose(b));
      // kill it once it answered some calls and holds others in flight
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (doomed.answered.get() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(20);
      doomed.http.stop(0);
      List<List<Generation>> out = run.get();
      assertAnswered(b, out); // nothing lost, each in its place
      List<EndpointStats> stats = p.endpointStats();
      assertTrue(stats.get(0).failures() >= 1, stats.get(0).describe());
      // every request was answered by exactly one reply the client took
      assertEquals(40, stats.get(0).calls() + stats.get(1).calls());
      assertEquals(40, p.stats().calls());
      assertTrue(stats.get(0).calls() >= 1, "the doomed server answered before it died");
      assertTrue(other.answered.get() >= stats.get(1).calls());
    }
  }

  @Test
  void everyServerDownIsAClearErrorNamingThem() throws IOException {
    Server a = server(0);
    Server b = server(0);
    a.failWith = 500;
    b.failWith = 502;
    try (OpenAiCompatiblePolicy p = fleet(2).maxRetries(2).build()) {
      HttpPolicyException e =
          assertThrows(HttpPolicyException.class, () -> p.propose(batch(1, "e")));
      assertTrue(e.getMessage().contains("2 servers (" + a.url()), e.getMessage());
      assertTrue(e.getMessage().contains("after 4 attempts"), e.getMessage());
      assertTrue(e.getMessage().contains("engine dead"), e.getMessage());
    }
  }

  @Test
  void theBuilderRefusesAMixedOrRepeatedFleet() {
    assertThrows(
        IllegalStateException.class,
        () -> OpenAiCompatiblePolicy.builder().baseUrl("http://a").baseUrls(List.of("http://b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> OpenAiCompatiblePolicy.builder().baseUrls(List.of("http://a", "http://a/v1")));
    assertThrows(
        IllegalArgumentException.class, () -> OpenAiCompatiblePolicy.builder().baseUrls(List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> OpenAiCompatiblePolicy.builder().maxInFlightPerEndpoint(0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            OpenAiCompatiblePolicy.builder()
                .endpointDowntime(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertEquals(
        List.of("http://a/v1/completions", "http://b:8000/v1/completions"),
        OpenAiCompatiblePolicy.builder()
            .baseUrls(List.of("http://a", "http://b:8000/v1"))
            .model("m")
            .build()
            .endpoints()
            .stream()
            .map(Object::toString)
            .toList());
  }
}
