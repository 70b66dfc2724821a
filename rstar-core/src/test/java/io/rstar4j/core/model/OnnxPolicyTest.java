package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPolicyTest {
  @TempDir static Path dir;
  static CausalLm lm;

  static final Problem PROBLEM = Problem.of("p1", "What is 2 + 3?", "5");
  static final List<PolicyRequest> REQUESTS =
      List.of(
          new PolicyRequest(PROBLEM, Trajectory.empty(), 3),
          new PolicyRequest(
              PROBLEM, Trajectory.of(Step.parse("<code>\nx = 2 + 3\n<end_of_step>")), 2));

  @BeforeAll
  static void load() throws Exception {
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
    lm = CausalLm.builder(dir).tokenizer(new ByteTestTokenizer()).build();
  }

  @AfterAll
  static void close() {
    lm.close();
  }

  @Test
  void defaultsFollowTheStepFormat() {
    OnnxPolicy p = OnnxPolicy.builder(lm).ownsModel(false).build();
    assertEquals(StepFormat.STOP_STRINGS, p.config().sampling().stopStrings());
    assertEquals(SamplingParams.stepSearch(), p.sampling());
    assertEquals(0.7, p.sampling().temperature());
    assertEquals(0.95, p.sampling().topP());
    assertEquals(1024, p.sampling().maxTokens());
    assertTrue(p.config().prefixReuse());
    p.close();
    lm.generate("still open", 1, GenerationConfig.greedy(1)); // not closed by the policy
  }

  @Test
  void proposesNPerRequestWithAccountingAndMatchesTheModel() {
    OnnxPolicy p =
        OnnxPolicy.builder(lm)
            .ownsModel(false)
            .sampling(SamplingParams.stepSearch().toBuilder().seed(3).maxTokens(16).build())
            .build();
    List<List<Generation>> out = p.propose(REQUESTS);
    assertEquals(2, out.size());
    assertEquals(3, out.get(0).size());
    assertEquals(2, out.get(1).size());
    for (int i = 0; i < REQUESTS.size(); i++) {
      String prompt = REQUESTS.get(i).prompt();
      GenerationResult direct =
          lm.generate(List.of(GenerationRequest.ofText(prompt, REQUESTS.get(i).n())), p.config())
              .get(0);
      for (int j = 0; j < out.get(i).size(); j++) {
        Generation g = out.get(i).get(j);
        assertEquals(lm.tokenizer().encode(prompt).length, g.promptTokens());
        assertTrue(g.completionTokens() >= 1 && g.completionTokens() <= 16);
        assertEquals(direct.completions().get(j).text(), g.text());
        assertEquals(direct.completions().get(j).stopReason(), g.stopReason());
      }
    }
    assertEquals(out, p.propose(REQUESTS)); // same seed, same proposals
    assertTrue(lm.prefixCacheStats().hits() > 0);
  }

  @Test
  void generationsAreCutAtTheFirstStopStringWhichIsKept() {
    List<String> stops = List.of("e", "t", "<end_of_step>");
    OnnxPolicy p =
        OnnxPolicy.builder(lm)
            .ownsModel(false)
            .sampling(
                SamplingParams.stepSearch().toBuilder()
                    .seed(11)
                    .maxTokens(40)
                    .stopStrings(stops)
                    .build())
            .build();
    int stopped = 0;
    for (List<Generation> gens : p.propose(REQUESTS)) {
      for (Generation g : gens) {
        if (g.stopReason() == StopReason.STOP_STRING) {
          stopped++;
          String t = g.text();
          String last = t.substring(t.length() - 1);
          assertTrue(stops.contains(last), t);
          assertTrue(t.indexOf('e') == t.length() - 1 || t.indexOf('e') < 0, t);
          assertTrue(t.indexOf('t') == t.length() - 1 || t.indexOf('t') < 0, t);
        }
      }
    }
    assertTrue(stopped > 0);
  }
}
