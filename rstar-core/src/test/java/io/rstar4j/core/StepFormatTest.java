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
      if (step instanceof Step.Code c && c.endsBlock()) {
        Matcher m = OUTPUT_BLOCK.matcher(rest);
        if (m.find()) {
          step = c.withOutcome(new ExecutionOutcome.Output(m.group(1), Duration.ZERO));
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
      assertTrue(steps.get(steps.size() - 1) instanceof Step.Answer);
      assertEquals(
          1, steps.stream().filter(s -> s instanceof Step.Code c && c.endsBlock()).count());
      assertTrue(steps.get(0).text().startsWith(StepFormat.CODE));
      for (Step s : steps.subList(0, steps.size() - 1)) {
        assertTrue(s instanceof Step.Code, "every step before the answer is code: " + s.text());
        String code = ((Step.Code) s).code();
        assertFalse(code.contains("<end_of_step>") || code.contains("<code>"));
      }
      String answer = t.answer().orElseThrow();
      assertEquals(((Step.Answer) steps.get(steps.size() - 1)).answer(), answer);
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
        assertFalse(s instanceof Step.Unparsable, s.text());
      }
    }
  }

  @Test
  void parsesTheThreeStepKinds() {
    Step.Code code = (Step.Code) StepFormat.parse("<code>\n# Step 1: x\nx = 2\n<end_of_step>");
    assertFalse(code.endsBlock());
    assertEquals("\n# Step 1: x\nx = 2\n", code.code());
    assertEquals(Optional.empty(), code.outcome());
    Step.Code end =
        (Step.Code) StepFormat.parse("\n\n# Now print the final answer\nprint(x)\n<end_of_code>");
    assertTrue(end.endsBlock());
    assertEquals("\n\n# Now print the final answer\nprint(x)\n", end.code());
    Step.Answer ans =
        (Step.Answer) StepFormat.parse("\n<answer>So it is \\boxed{\\frac{1}{2}}.<end_of_answer>");
    assertEquals("\\frac{1}{2}", ans.answer());
    assertEquals(new Step.Unparsable("x = 1"), StepFormat.parse("x = 1"));
    // <end_of_answer> without \boxed{} is no answer, and no code step either
    assertEquals(
        new Step.Unparsable("<answer>none<end_of_answer>"),
        StepFormat.parse("<answer>none<end_of_answer>"));
    assertEquals("", StepFormat.programOf(Trajectory.empty(), new Step.Unparsable("x = 1")));
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
        Step.Code.of("\nwhile True: pass\n<end_of_step>")
            .withOutcome(
                new ExecutionOutcome.Timeout(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Step c =
        Step.Code.of("\nprint(a)\n<end_of_code>")
            .withOutcome(new ExecutionOutcome.Output("1", Duration.ZERO));
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
  void stepsAreValidatedRecords() {
    assertThrows(IllegalArgumentException.class, () -> Step.Code.of("\\boxed{1}<end_of_step>"));
    assertThrows(IllegalArgumentException.class, () -> Step.Code.of("x = 1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Step.Code("x<end_of_code>", "x", false, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new Step.Answer("no box", ""));
    assertThrows(IllegalArgumentException.class, () -> new Step.Unparsable("x<end_of_step>"));
    assertThrows(IllegalArgumentException.class, () -> new Step.Unparsable("\\boxed{2}"));
    assertThrows(
        NullPointerException.class, () -> new Step.Code("x<end_of_step>", "x", false, null));
    Step.Code ran =
        Step.Code.of("print(1)\n<end_of_code>  ")
            .withOutcome(new ExecutionOutcome.Error("NameError: x", Duration.ZERO));
    assertTrue(ran.endsBlock() && ran.isError() && !ran.isTimeout());
    assertEquals(
        "print(1)\n<end_of_code>  \n<output>NameError: x<end_of_output>", ran.solutionText());
    assertEquals(Optional.empty(), Trajectory.empty().last());
    assertEquals(Optional.empty(), Trajectory.of(ran).answer());
    assertFalse(Trajectory.of(ran).isComplete());
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
