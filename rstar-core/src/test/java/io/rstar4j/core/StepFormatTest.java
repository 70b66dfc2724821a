package io.rstar4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StepFormatTest {

  private static final Pattern OUTPUT_BLOCK =
      Pattern.compile("^\\n?<output>(.*?)<end_of_output>", Pattern.DOTALL);

  static JsonArray resource(String name) throws Exception {
    try (InputStream in = StepFormatTest.class.getResourceAsStream("/rstar-format/" + name)) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonArray();
    }
  }

  /** Splits a reference response into steps the way the search builds it, outputs re-attached. */
  static List<Step> split(String response) {
    List<Step> steps = new ArrayList<>();
    String rest = response;
    while (!rest.isEmpty()) {
      String gen = StepFormat.cutAtStop(rest);
      rest = rest.substring(gen.length());
      Step step = StepFormat.parse(gen);
      if (step.kind() == StepKind.CODE_END) {
        Matcher m = OUTPUT_BLOCK.matcher(rest);
        if (m.find()) {
          step = step.withExecution(new ExecutionOutcome.Output(m.group(1), Duration.ZERO));
          rest = rest.substring(m.end());
        }
      }
      steps.add(step);
    }
    return steps;
  }

  @Test
  void everySftRecordSplitsIntoStepsAndRendersBack() throws Exception {
    JsonArray records = resource("sft_data_examples.json");
    assertEquals(8, records.size());
    for (JsonElement e : records) {
      String response = e.getAsJsonObject().get("response").getAsString();
      List<Step> steps = split(response);
      Trajectory t = new Trajectory(steps);
      assertEquals(response, t.solutionText(), "round trip");
      assertTrue(t.isComplete(), "ends with an answer step");
      assertEquals(StepKind.ANSWER, steps.get(steps.size() - 1).kind());
      assertEquals(1, steps.stream().filter(s -> s.kind() == StepKind.CODE_END).count());
      assertTrue(steps.get(0).text().startsWith(StepFormat.CODE));
      for (Step s : steps.subList(0, steps.size() - 1)) {
        assertTrue(s.kind().hasCode(), "every step before the answer is code: " + s.text());
        assertFalse(s.code().contains("<end_of_step>") || s.code().contains("<code>"));
      }
      String answer = steps.get(steps.size() - 1).answer();
      assertFalse(answer.isEmpty());
      // The program of the block's last step is the whole block without tags.
      Step last = steps.get(steps.size() - 2);
      String program =
          StepFormat.programOf(new Trajectory(steps.subList(0, steps.size() - 2)), last);
      String block = response.substring(0, response.indexOf(StepFormat.END_OF_CODE));
      assertEquals(StepFormat.stripTags(block), program);
      assertTrue(program.contains("print("), program);
    }
  }

  @Test
  void preferencePairsParse() throws Exception {
    JsonArray records = resource("rm_data_examples.json");
    assertEquals(5, records.size());
    for (JsonElement e : records) {
      String pos = e.getAsJsonObject().get("pos").getAsString();
      // The first pair restates the assistant opening before <code>; later ones hold steps only.
      int at = Math.max(0, pos.indexOf(StepFormat.CODE));
      // Pairs are step-level: the chosen text ends at a step (code or answer), never
      // mid-generation.
      List<Step> steps = split(pos.substring(at));
      for (Step s : steps) {
        assertTrue(s.kind() != StepKind.UNPARSABLE, s.text());
      }
    }
  }

  @Test
  void parsesTheThreeStepKinds() {
    Step code = StepFormat.parse("<code>\n# Step 1: x\nx = 2\n<end_of_step>");
    assertEquals(StepKind.CODE, code.kind());
    assertEquals("\n# Step 1: x\nx = 2\n", code.code());
    Step end = StepFormat.parse("\n\n# Now print the final answer\nprint(x)\n<end_of_code>");
    assertEquals(StepKind.CODE_END, end.kind());
    assertEquals("\n\n# Now print the final answer\nprint(x)\n", end.code());
    Step ans = StepFormat.parse("\n<answer>So it is \\boxed{\\frac{1}{2}}.<end_of_answer>");
    assertEquals(StepKind.ANSWER, ans.kind());
    assertEquals("\\frac{1}{2}", ans.answer());
    assertEquals(StepKind.UNPARSABLE, StepFormat.parse("x = 1").kind());
  }

  @Test
  void boxedExtractionMatchesBracesAndTakesTheLast() {
    assertEquals(Optional.of("\\{1, 2\\}"), StepFormat.extractBoxed("\\boxed{\\{1, 2\\}}"));
    assertEquals(Optional.of("7"), StepFormat.extractBoxed("\\boxed{3} then \\boxed{7}"));
    assertEquals(Optional.of("x^{2}+1"), StepFormat.extractBoxed("$\\boxed{x^{2}+1}$"));
    assertEquals(Optional.of("5"), StepFormat.extractBoxed("so \\boxed 5$"));
    assertEquals(Optional.of("12"), StepFormat.extractBoxed("\\fbox{12}"));
    assertEquals(Optional.empty(), StepFormat.extractBoxed("\\boxed{unbalanced"));
    assertEquals(Optional.empty(), StepFormat.extractBoxed("no answer"));
  }

  @Test
  void programStopsAtThePreviousBlockAndSkipsTimeouts() {
    Step a = StepFormat.parse("<code>\na = 1\n<end_of_step>");
    Step b =
        StepFormat.parse("\nwhile True: pass\n<end_of_step>")
            .withExecution(
                new ExecutionOutcome.Timeout(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Step c =
        StepFormat.parse("\nprint(a)\n<end_of_code>")
            .withExecution(new ExecutionOutcome.Output("1", Duration.ZERO));
    Step d = StepFormat.parse("<code>\nd = 4\n<end_of_step>");
    Step e = StepFormat.parse("\nprint(d)\n<end_of_code>");
    assertEquals("\na = 1\n\nprint(a)\n", StepFormat.programOf(Trajectory.of(a, b), c));
    assertEquals("\nd = 4\n\nprint(d)\n", StepFormat.programOf(Trajectory.of(a, b, c, d), e));
  }

  @Test
  void promptTemplatesFollowTheReference() {
    assertEquals(
        "<|user|>:\nQ\n\n<|assistant|>: Let's think step by step and solve the problem with code.",
        PromptTemplate.SEARCH.head("Q"));
    assertEquals(
        "<|user|>:\nQ\n<|assistant|>: Let's think step by step and solve the problem with code.",
        PromptTemplate.TRAINING.head("Q"));
  }

  @Test
  void cutAtStopKeepsTheEarliestStopString() {
    assertEquals("a<end_of_step>", StepFormat.cutAtStop("a<end_of_step>b<end_of_code>"));
    assertEquals("a<end_of_code>", StepFormat.cutAtStop("a<end_of_code>b<end_of_step>"));
    assertEquals("no stop", StepFormat.cutAtStop("no stop"));
  }

  @Test
  void cutTextIsAlwaysAPrefixEndingInAStopOrWhole() {
    qt().forAll(
            strings().basicLatinAlphabet().ofLengthBetween(0, 40),
            strings().basicLatinAlphabet().ofLengthBetween(0, 40))
        .checkAssert(
            (x, y) -> {
              String raw = x + StepFormat.END_OF_STEP + y;
              String cut = StepFormat.cutAtStop(raw);
              assertTrue(raw.startsWith(cut));
              assertTrue(StepFormat.stopStringOf(cut).isPresent());
              assertTrue(cut.length() <= x.length() + StepFormat.END_OF_STEP.length());
            });
  }

  @Test
  void errorsAreDetectedLikeTheReference() {
    assertTrue(new ExecutionOutcome.Output("NameError: x", Duration.ZERO).isError());
    assertTrue(new ExecutionOutcome.Output("relative ERROR 3", Duration.ZERO).isError());
    assertFalse(new ExecutionOutcome.Output("42", Duration.ZERO).isError());
    assertTrue(new ExecutionOutcome.Timeout(Duration.ofMillis(5), Duration.ofMillis(5)).isError());
  }

  @Test
  void valuesRejectBadInput() {
    assertThrows(IllegalArgumentException.class, () -> Problem.of("p", "  "));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PolicyRequest(Problem.of("p", "q"), Trajectory.empty(), 0));
    assertThrows(IllegalArgumentException.class, () -> RewardModel.constant(2));
  }
}
