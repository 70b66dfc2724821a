package io.rstar4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {
  @Test
  void defaultsAndPresets() {
    assertEquals(
        new SamplingParams(256, 1.0, 1.0, 0, OptionalLong.empty(), List.of()),
        SamplingParams.builder().build());
    assertEquals(
        new SamplingParams(40, 0.0, 1.0, 0, OptionalLong.empty(), List.of()),
        SamplingParams.greedy(40));
    assertEquals(
        new SamplingParams(1024, 0.7, 0.95, 0, OptionalLong.empty(), StepFormat.STOP_STRINGS),
        SamplingParams.stepSearch());
  }

  @Test
  void eachCheckHasOneMessageAtTheSetterAndTheConstructor() {
    assertMessage(
        "maxTokens must be >= 1, was 0",
        () -> SamplingParams.builder().maxTokens(0),
        () -> new SamplingParams(0, 1, 1, 0, OptionalLong.empty(), List.of()));
    assertMessage(
        "temperature must be finite and >= 0, was -1.0",
        () -> SamplingParams.builder().temperature(-1),
        () -> new SamplingParams(1, -1, 1, 0, OptionalLong.empty(), List.of()));
    assertMessage(
        "temperature must be finite and >= 0, was Infinity",
        () -> SamplingParams.builder().temperature(Double.POSITIVE_INFINITY),
        () ->
            new SamplingParams(1, Double.POSITIVE_INFINITY, 1, 0, OptionalLong.empty(), List.of()));
    assertMessage(
        "topP must be in (0, 1], was 0.0",
        () -> SamplingParams.builder().topP(0),
        () -> new SamplingParams(1, 1, 0, 0, OptionalLong.empty(), List.of()));
    assertMessage(
        "topP must be in (0, 1], was NaN",
        () -> SamplingParams.builder().topP(Double.NaN),
        () -> new SamplingParams(1, 1, Double.NaN, 0, OptionalLong.empty(), List.of()));
    assertMessage(
        "topK must be >= 0, was -1",
        () -> SamplingParams.builder().topK(-1),
        () -> new SamplingParams(1, 1, 1, -1, OptionalLong.empty(), List.of()));
    assertMessage(
        "stop strings must not be empty",
        () -> SamplingParams.builder().stopStrings(List.of("a", "")),
        () -> new SamplingParams(1, 1, 1, 0, OptionalLong.empty(), List.of("")));
  }

  private static void assertMessage(String message, Runnable atSetter, Runnable atConstructor) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, atSetter::run).getMessage());
    assertEquals(
        message, assertThrows(IllegalArgumentException.class, atConstructor::run).getMessage());
  }

  @Test
  void anOptionSetTwiceFailsButAPresetCanBeChanged() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> SamplingParams.builder().temperature(0.5).temperature(0.6));
    assertEquals("temperature was already set", e.getMessage());
    assertThrows(IllegalStateException.class, () -> SamplingParams.builder().seed(1).noSeed());
    SamplingParams p = SamplingParams.stepSearch().toBuilder().temperature(0).seed(3).build();
    assertEquals(0, p.temperature());
    assertEquals(OptionalLong.of(3), p.seed());
    assertEquals(StepFormat.STOP_STRINGS, p.stopStrings());
    assertEquals(
        OptionalLong.empty(), p.toBuilder().noSeed().build().seed(), "noSeed clears a seed");
  }

  @Test
  void stopStringsAreCopied() {
    List<String> stops = new ArrayList<>(List.of("x"));
    SamplingParams p = SamplingParams.builder().stopStrings(stops).build();
    stops.add("y");
    assertEquals(List.of("x"), p.stopStrings());
    assertThrows(UnsupportedOperationException.class, () -> p.stopStrings().add("z"));
    assertTrue(p.toString().contains("stopStrings=[x]"));
  }

  @Test
  void theKthSearchSeedsFromSeedAndK() {
    SamplingParams p = SamplingParams.stepSearch().toBuilder().seed(5).build();
    assertEquals(p, p.forSearch(0), "one search is unchanged");
    java.util.Set<Long> seeds = new java.util.HashSet<>();
    for (int k = 0; k < 50; k++) {
      seeds.add(p.forSearch(k).seed().getAsLong());
      assertEquals(p.forSearch(k), p.forSearch(k), "the same k, the same seed");
      assertEquals(p.temperature(), p.forSearch(k).temperature());
    }
    assertEquals(50, seeds.size());
    assertTrue(
        p.forSearch(1).seed().getAsLong()
            != SamplingParams.stepSearch().toBuilder()
                .seed(6)
                .build()
                .forSearch(1)
                .seed()
                .getAsLong());
    SamplingParams none = SamplingParams.stepSearch();
    assertEquals(none, none.forSearch(3), "no seed: fresh randomness for every search anyway");
    assertThrows(IllegalArgumentException.class, () -> p.forSearch(-1));
  }
}
