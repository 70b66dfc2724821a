package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.http.HttpRewardModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served PPM (an embed runner returning the last token's hidden state, the value head from
 * {@code value_head.json} applied by {@link HttpRewardModel}) scores exactly as the in-process
 * {@link ProcessPreferenceModel} on the same backbone: the same texts reach the backbone, and the
 * same head and squash turn its states into scores.
 */
class ServedPpmTest {
  @TempDir Path dir;

  @Test
  void theServedPpmScoresExactlyAsTheInProcessOne() throws Exception {
    Path bb = TinyBackbones.writeDir(dir.resolve("bb"), 8, 3);
    List<String> served = Collections.synchronizedList(new ArrayList<>());
    try (Backbone backbone = TinyBackbones.open(bb, BackboneSettings.builder().build())) {
      ValueHead head = ValueHead.random(8, 1.0, 11);
      head.save(dir.resolve(ValueHead.FILE_NAME));
      ValueHead loaded = ValueHead.load(dir.resolve(ValueHead.FILE_NAME));
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext(
          "/pooling",
          ex -> {
            try (HttpExchange e = ex) {
              JsonObject req =
                  JsonParser.parseString(
                          new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                      .getAsJsonObject();
              List<String> texts = new ArrayList<>();
              for (JsonElement t : req.getAsJsonArray("input")) {
                texts.add(t.getAsString());
              }
              served.addAll(texts);
              float[][] states;
              synchronized (backbone) {
                states = backbone.lastHiddenStates(texts);
              }
              JsonArray data = new JsonArray();
              for (int i = 0; i < states.length; i++) {
                JsonObject d = new JsonObject();
                d.addProperty("index", i);
                d.addProperty("object", "pooling");
                JsonArray v = new JsonArray();
                for (float x : states[i]) {
                  v.add(x);
                }
                d.add("data", v);
                data.add(d);
              }
              JsonObject root = new JsonObject();
              root.add("data", data);
              byte[] out = root.toString().getBytes(StandardCharsets.UTF_8);
              e.sendResponseHeaders(200, out.length);
              e.getResponseBody().write(out);
            } catch (IOException | RuntimeException err) {
              throw err;
            }
          });
      server.start();
      try (HttpRewardModel remote =
          HttpRewardModel.builder()
              .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
              .api(HttpRewardModel.Api.VLLM_EMBED)
              .valueHead(loaded.weight(), loaded.bias())
              .build()) {
        ProcessPreferenceModel local =
            ProcessPreferenceModel.builder().backbone(backbone).head(head).build();
        Problem p = Problem.of("p", "What is 2 + 3 ?", "5");
        Step s1 = Step.parse("<code>\nx = 2 + 3\n<end_of_step>");
        Step s2 = Step.parse("<code>\nprint( x )\n<end_of_code>");
        Step a = Step.parse("The answer is \\boxed{5}");
        List<RewardRequest> batch = new ArrayList<>();
        for (Trajectory t :
            List.of(
                Trajectory.of(s1),
                Trajectory.of(s1, s2),
                Trajectory.of(s1, s2, a),
                Trajectory.of(s2),
                Trajectory.empty())) {
          batch.add(new RewardRequest(p, t));
        }
        double[] want;
        synchronized (backbone) {
          want = local.score(batch);
        }
        double[] got = remote.score(batch);
        assertArrayEquals(want, got, 0.0);
        List<String> prompts = new ArrayList<>();
        for (RewardRequest r : batch) {
          prompts.add(local.promptOf(r.problem(), r.partial()));
          assertEquals(local.promptOf(r.problem(), r.partial()), remote.textOf(r));
        }
        assertEquals(prompts.size(), served.size());
        assertEquals(new java.util.HashSet<>(prompts), new java.util.HashSet<>(served));
      } finally {
        server.stop(0);
      }
    }
  }
}
