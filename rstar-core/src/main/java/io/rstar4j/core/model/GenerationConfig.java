package io.rstar4j.core.model;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to sample: temperature (0 = greedy), top-p, top-k, seed, token budget, stop strings, and
 * whether to use the KV cache and the prefix cache. Build with {@link #builder()}.
 *
 * @param maxTokens most tokens generated per sample
 * @param temperature 0 for greedy (argmax, ties to the lowest id), else the softmax temperature
 * @param topP nucleus mass in (0, 1]; 1 disables
 * @param topK keep only the k most likely tokens; 0 disables
 * @param seed the sampling seed: sample j of a prompt draws from a generator seeded by (seed,
 *     prompt tokens, j), so results do not depend on what else is in the batch; empty for fresh
 *     randomness
 * @param stopStrings generation stops once the decoded text contains one; the text is cut after it
 * @param kvCache reuse keys and values between steps (false recomputes the whole sequence each
 *     step: a reference path for tests and benchmarks)
 * @param prefixReuse look up and store prompt prefixes in the model's prefix cache
 */
public record GenerationConfig(
    int maxTokens,
    double temperature,
    double topP,
    int topK,
    OptionalLong seed,
    List<String> stopStrings,
    boolean kvCache,
    boolean prefixReuse) {

  public GenerationConfig {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and >= 0, was " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, was " + topK);
    }
    Objects.requireNonNull(seed, "seed");
    stopStrings = List.copyOf(stopStrings);
    for (String s : stopStrings) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
  }

  /** Greedy decoding of up to {@code maxTokens} tokens, no stop strings. */
  public static GenerationConfig greedy(int maxTokens) {
    return builder().maxTokens(maxTokens).temperature(0).build();
  }

  /** A builder with defaults: 256 tokens, temperature 1, top-p 1, top-k off, no seed. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxTokens = maxTokens;
    b.temperature = temperature;
    b.topP = topP;
    b.topK = topK;
    b.seed = seed;
    b.stopStrings = stopStrings;
    b.kvCache = kvCache;
    b.prefixReuse = prefixReuse;
    return b;
  }

  /** Builder of {@link GenerationConfig}; every setter validates at once. */
  public static final class Builder {
    private int maxTokens = 256;
    private double temperature = 1.0;
    private double topP = 1.0;
    private int topK = 0;
    private OptionalLong seed = OptionalLong.empty();
    private List<String> stopStrings = List.of();
    private boolean kvCache = true;
    private boolean prefixReuse = true;

    private Builder() {}

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxTokens(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("maxTokens must be >= 1, was " + v);
      }
      maxTokens = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder temperature(double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("temperature must be finite and >= 0, was " + v);
      }
      temperature = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if not in (0, 1]
     */
    public Builder topP(double v) {
      if (!(v > 0 && v <= 1)) {
        throw new IllegalArgumentException("topP must be in (0, 1], was " + v);
      }
      topP = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative
     */
    public Builder topK(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("topK must be >= 0, was " + v);
      }
      topK = v;
      return this;
    }

    /** Seeds sampling: same seed and prompt, same samples. */
    public Builder seed(long v) {
      seed = OptionalLong.of(v);
      return this;
    }

    /** Fresh randomness on every call (the default). */
    public Builder noSeed() {
      seed = OptionalLong.empty();
      return this;
    }

    /**
     * @throws IllegalArgumentException if a stop string is empty
     */
    public Builder stopStrings(List<String> v) {
      for (String s : v) {
        if (s.isEmpty()) {
          throw new IllegalArgumentException("stop strings must not be empty");
        }
      }
      stopStrings = List.copyOf(v);
      return this;
    }

    /** Whether to keep keys and values between steps (default true). */
    public Builder kvCache(boolean v) {
      kvCache = v;
      return this;
    }

    /** Whether to use the model's prefix cache (default true). */
    public Builder prefixReuse(boolean v) {
      prefixReuse = v;
      return this;
    }

    /** The configuration. */
    public GenerationConfig build() {
      return new GenerationConfig(
          maxTokens, temperature, topP, topK, seed, stopStrings, kvCache, prefixReuse);
    }
  }
}
