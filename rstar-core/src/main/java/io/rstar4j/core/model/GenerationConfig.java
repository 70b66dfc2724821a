package io.rstar4j.core.model;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.internal.SetOnce;
import java.util.Objects;

/**
 * How a {@link CausalLm} generates: the {@link SamplingParams} (validated there, once) and the
 * knobs only the local runtime has. Build with {@link #builder()} or a preset.
 *
 * <p>Sample {@code j} of a prompt draws from a generator seeded by (the seed, the prompt's tokens,
 * {@code j}), so with a seed the results do not depend on what else is in the batch.
 *
 * @param sampling how tokens are sampled and when a sample stops
 * @param prefixReuse look up and store prompt prefixes in the model's prefix KV cache
 */
public record GenerationConfig(SamplingParams sampling, boolean prefixReuse) {
  /**
   * @throws NullPointerException if {@code sampling} is null
   */
  public GenerationConfig {
    Objects.requireNonNull(sampling, "sampling");
  }

  /**
   * These sampling parameters with prefix reuse on.
   *
   * @throws NullPointerException if {@code sampling} is null
   */
  public static GenerationConfig of(SamplingParams sampling) {
    return builder().sampling(sampling).build();
  }

  /**
   * Greedy decoding of up to {@code maxTokens} tokens, no stop strings, prefix reuse on.
   *
   * @throws IllegalArgumentException if {@code maxTokens} is below 1
   */
  public static GenerationConfig greedy(int maxTokens) {
    return builder().sampling(SamplingParams.greedy(maxTokens)).build();
  }

  /** A builder with defaults: {@link SamplingParams#builder()}'s defaults, prefix reuse on. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration (none of its values counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sampling = sampling;
    b.prefixReuse = prefixReuse;
    return b;
  }

  /**
   * Builder of {@link GenerationConfig}; setting an option twice fails ("sampling was already
   * set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private SamplingParams sampling = SamplingParams.builder().build();
    private boolean prefixReuse = true;

    private Builder() {}

    /**
     * How to sample.
     *
     * @throws NullPointerException if {@code params} is null
     * @throws IllegalStateException if already set
     */
    public Builder sampling(SamplingParams params) {
      set.mark("sampling");
      sampling = Objects.requireNonNull(params, "params");
      return this;
    }

    /**
     * Whether to use the model's prefix cache (default true).
     *
     * @throws IllegalStateException if already set
     */
    public Builder prefixReuse(boolean on) {
      set.mark("prefixReuse");
      prefixReuse = on;
      return this;
    }

    /** The configuration. */
    public GenerationConfig build() {
      return new GenerationConfig(sampling, prefixReuse);
    }
  }
}
