package io.rstar4j.core;

import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a policy samples a continuation: temperature (0 = greedy), top-p, top-k, a token budget, a
 * seed and stop strings. One value shared by every policy (the local ONNX policy and the
 * OpenAI-compatible HTTP policy take it as it is), built with {@link #builder()} or taken from a
 * preset.
 *
 * @param maxTokens most tokens generated per sample, at least 1
 * @param temperature 0 for greedy (argmax, ties to the lowest id), else the softmax temperature;
 *     finite and at least 0
 * @param topP nucleus mass in (0, 1]; 1 disables it
 * @param topK keep only the k most likely tokens; 0 disables it
 * @param seed the sampling seed (same seed and prompt, same samples, where the policy can promise
 *     it); empty for fresh randomness
 * @param stopStrings generation stops once the text contains one of them; the text is cut after the
 *     first one found, which is kept
 */
public record SamplingParams(
    int maxTokens,
    double temperature,
    double topP,
    int topK,
    OptionalLong seed,
    List<String> stopStrings) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if {@code seed} or {@code stopStrings} (or one of them) is null
   * @throws IllegalArgumentException if a value is out of its range (see the parameters) or a stop
   *     string is empty
   */
  public SamplingParams {
    maxTokens = checkMaxTokens(maxTokens);
    temperature = checkTemperature(temperature);
    topP = checkTopP(topP);
    topK = checkTopK(topK);
    Objects.requireNonNull(seed, "seed");
    stopStrings = checkStopStrings(stopStrings);
  }

  /**
   * Greedy decoding of up to {@code maxTokens} tokens, without stop strings.
   *
   * @throws IllegalArgumentException if {@code maxTokens} is below 1
   */
  public static SamplingParams greedy(int maxTokens) {
    return builder().temperature(0).maxTokens(maxTokens).build();
  }

  /**
   * The reference's sampling of search steps: temperature 0.7, top-p 0.95, up to 1024 tokens, no
   * seed, cut at the step format's stop strings ({@link StepFormat#STOP_STRINGS}).
   */
  public static SamplingParams stepSearch() {
    return builder()
        .temperature(0.7)
        .topP(0.95)
        .maxTokens(1024)
        .stopStrings(StepFormat.STOP_STRINGS)
        .build();
  }

  /**
   * A builder with neutral defaults: 256 tokens, temperature 1, top-p 1, top-k off, no seed, no
   * stop strings.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The sampling of the {@code k}-th of several independent searches of one problem: the seed is
   * derived from (seed, k), so that k searches give k different trees and a rerun the same k. The
   * 0th search keeps the seed as it is (one search is unchanged); without a seed every search draws
   * fresh randomness anyway and this is unchanged.
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public SamplingParams forSearch(int k) {
    Checks.atLeast("k", k, 0);
    if (k == 0 || seed.isEmpty()) {
      return this;
    }
    long z = seed.getAsLong() + 0x9E3779B97F4A7C15L * (k + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return new SamplingParams(maxTokens, temperature, topP, topK, OptionalLong.of(z), stopStrings);
  }

  /** A builder starting from these values (none of them counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxTokens = maxTokens;
    b.temperature = temperature;
    b.topP = topP;
    b.topK = topK;
    b.seed = seed;
    b.stopStrings = stopStrings;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkMaxTokens(int v) {
    return Checks.positive("maxTokens", v);
  }

  private static double checkTemperature(double v) {
    return Checks.finiteNonNegative("temperature", v);
  }

  private static double checkTopP(double v) {
    return Checks.unitInterval("topP", v);
  }

  private static int checkTopK(int v) {
    return Checks.atLeast("topK", v, 0);
  }

  private static List<String> checkStopStrings(List<String> v) {
    Objects.requireNonNull(v, "stopStrings");
    List<String> copy = List.copyOf(v);
    for (String s : copy) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
    return copy;
  }

  /**
   * Builder of {@link SamplingParams}: every setter validates at once, and setting an option twice
   * fails ("temperature was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int maxTokens = 256;
    private double temperature = 1.0;
    private double topP = 1.0;
    private int topK = 0;
    private OptionalLong seed = OptionalLong.empty();
    private List<String> stopStrings = List.of();

    private Builder() {}

    /**
     * Most tokens generated per sample.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxTokens(int v) {
      set.mark("maxTokens");
      maxTokens = checkMaxTokens(v);
      return this;
    }

    /**
     * The softmax temperature; 0 is greedy.
     *
     * @throws IllegalArgumentException if negative or not finite
     * @throws IllegalStateException if already set
     */
    public Builder temperature(double v) {
      set.mark("temperature");
      temperature = checkTemperature(v);
      return this;
    }

    /**
     * The nucleus mass; 1 disables it.
     *
     * @throws IllegalArgumentException if not in (0, 1]
     * @throws IllegalStateException if already set
     */
    public Builder topP(double v) {
      set.mark("topP");
      topP = checkTopP(v);
      return this;
    }

    /**
     * Keep only the k most likely tokens; 0 disables it.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder topK(int v) {
      set.mark("topK");
      topK = checkTopK(v);
      return this;
    }

    /**
     * Seeds sampling: same seed and prompt, same samples.
     *
     * @throws IllegalStateException if the seed was already set (or {@link #noSeed()} called)
     */
    public Builder seed(long v) {
      set.mark("seed");
      seed = OptionalLong.of(v);
      return this;
    }

    /**
     * Fresh randomness on every call (the default; use it to clear the seed of a preset).
     *
     * @throws IllegalStateException if the seed was already set
     */
    public Builder noSeed() {
      set.mark("seed");
      seed = OptionalLong.empty();
      return this;
    }

    /**
     * The stop strings, in order (default none).
     *
     * @throws NullPointerException if the list or one of its strings is null
     * @throws IllegalArgumentException if a stop string is empty
     * @throws IllegalStateException if already set
     */
    public Builder stopStrings(List<String> v) {
      set.mark("stopStrings");
      stopStrings = checkStopStrings(v);
      return this;
    }

    /** The parameters. */
    public SamplingParams build() {
      return new SamplingParams(maxTokens, temperature, topP, topK, seed, stopStrings);
    }
  }
}
