package io.rstar4j.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local OpenAI-compatible completions server that plays a policy for "What is A + B?": the first
 * step adds (right), multiplies or subtracts (wrong), the second prints, the third boxes the
 * printed output. Candidates rotate with the request count.
 */
final class ArithmeticServer implements AutoCloseable {
  private static final Pattern QUESTION = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
  private static final Pattern OUTPUT =
      Pattern.compile("<output>(.*?)<end_of_output>", Pattern.DOTALL);

  final AtomicLong requests = new AtomicLong();
  final AtomicLong poolingRequests = new AtomicLong();

  /** The {@code seed} of every request (null without one), in arrival order. */
  final java.util.Queue<String> seeds = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final HttpServer server;

  private final boolean deterministic;

  /** Requests after this many fail (a server gone away), until set back. */
  volatile long failAfter = Long.MAX_VALUE;

  ArithmeticServer() throws IOException {
    this(false);
  }

  /**
   * @param deterministic candidates depend on the prompt and their index only (not on how many
   *     requests came before), so that a killed and resumed run gives what an uninterrupted one
   *     gives
   */
  ArithmeticServer(boolean deterministic) throws IOException {
    this.deterministic = deterministic;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/completions",
        ex -> {
          long call = requests.incrementAndGet();
          if (call > failAfter) {
            byte[] gone = "{\"error\": \"the server went away\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, gone.length);
            try (OutputStream os = ex.getResponseBody()) {
              os.write(gone);
            }
            return;
          }
          JsonObject req =
              JsonParser.parseString(
                      new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                  .getAsJsonObject();
          String prompt = req.get("prompt").getAsString();
          seeds.add(req.has("seed") ? req.get("seed").getAsString() : "null");
          int n = req.get("n").getAsInt();
          JsonArray choices = new JsonArray();
          for (int i = 0; i < n; i++) {
            JsonObject c = new JsonObject();
            c.addProperty("index", i);
            c.addProperty(
                "text",
                step(prompt, i + (deterministic ? Math.floorMod(prompt.hashCode(), 3) : call)));
            c.addProperty("finish_reason", "stop");
            choices.add(c);
          }
          JsonObject resp = new JsonObject();
          resp.add("choices", choices);
          byte[] body = resp.toString().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
          }
        });
    // a served PPM (vLLM's pooling API, a one-label classifier): raw score 5 for a text whose
    // steps add, -5 for one whose steps multiply or subtract, 0 otherwise
    server.createContext(
        "/pooling",
        ex -> {
          poolingRequests.incrementAndGet();
          JsonObject req =
              JsonParser.parseString(
                      new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                  .getAsJsonObject();
          JsonArray input = req.getAsJsonArray("input");
          JsonArray data = new JsonArray();
          for (int i = 0; i < input.size(); i++) {
            String t = input.get(i).getAsString();
            JsonObject d = new JsonObject();
            d.addProperty("index", i);
            d.addProperty("object", "pooling");
            JsonArray v = new JsonArray();
            v.add(t.contains("Add the two") ? 5.0 : t.contains("result = ") ? -5.0 : 0.0);
            d.add("data", v);
            data.add(d);
          }
          JsonObject resp = new JsonObject();
          resp.add("data", data);
          byte[] body = resp.toString().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static String step(String prompt, long k) {
    if (prompt.contains("<end_of_code>")) {
      Matcher m = OUTPUT.matcher(prompt);
      String v = "0";
      while (m.find()) {
        v = m.group(1).trim();
      }
      return "<answer>The answer is \\boxed{" + v + "}<end_of_answer>";
    }
    if (prompt.contains("<end_of_step>")) {
      return "\n# Now print the final answer\nprint(result)\n<end_of_code>";
    }
    Matcher q = QUESTION.matcher(prompt);
    if (!q.find()) {
      return "<answer>I cannot tell: \\boxed{0}<end_of_answer>";
    }
    String a = q.group(1);
    String b = q.group(2);
    List<String> steps =
        List.of(
            "<code>\n# Add the two numbers together to get the total sum\nresult = "
                + a
                + " + "
                + b
                + "\n<end_of_step>",
            "<code>\n# Multiply them, which is the wrong operation for this question\nresult = "
                + a
                + " * "
                + b
                + "\n<end_of_step>",
            "<code>\n# Subtract the second from the first number (a mistake)\nresult = "
                + a
                + " - "
                + b
                + "\n<end_of_step>");
    return steps.get((int) (k % steps.size()));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
