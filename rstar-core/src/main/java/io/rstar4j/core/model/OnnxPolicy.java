package io.rstar4j.core.model;

import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.internal.SetOnce;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Policy} SPI over a local ONNX causal LM. Each call is one batched generation: every
 * request's prompt ({@link PolicyRequest#prompt()}, the step format's search template) is prefilled
 * once (reusing cached prefixes of earlier calls, so siblings and later expansions of a node reuse
 * their parent's keys and values) and its {@code n} samples decode together with all other
 * requests' samples, each cut at the first of the step format's stop strings ({@link
 * StepFormat#STOP_STRINGS}), which is kept.
 *
 * <pre>{@code
 * SamplingParams sampling = SamplingParams.stepSearch().toBuilder().seed(1).build();
 * try (OnnxPolicy policy = OnnxPolicy.builder(CausalLm.load(dir)).sampling(sampling).build()) {
 *   List<List<Generation>> steps = policy.propose(requests);
 * }
 * }</pre>
 */
public final class OnnxPolicy implements Policy {
  private final CausalLm model;
  private final GenerationConfig config;
  private final boolean ownsModel;

  private OnnxPolicy(CausalLm model, GenerationConfig config, boolean ownsModel) {
    this.model = model;
    this.config = config;
    this.ownsModel = ownsModel;
  }

  /**
   * A builder over a loaded model. Defaults: {@link SamplingParams#stepSearch()} (temperature 0.7,
   * top-p 0.95, top-k off, 1024 tokens, no seed, the step format's stop strings), prefix reuse on;
   * the policy closes the model when closed unless {@link Builder#ownsModel(boolean)} says
   * otherwise.
   *
   * @throws NullPointerException if {@code model} is null
   */
  public static Builder builder(CausalLm model) {
    return new Builder(Objects.requireNonNull(model, "model"));
  }

  /**
   * A policy with default settings over the export in a directory.
   *
   * @throws IOException if a file is missing or unreadable
   * @throws IllegalArgumentException if the model is not a causal LM export
   * @throws IllegalStateException if ONNX Runtime is not on the class path
   */
  public static OnnxPolicy load(Path directory) throws IOException {
    return builder(CausalLm.load(directory)).build();
  }

  /** The generation configuration every call uses. */
  public GenerationConfig config() {
    return config;
  }

  /** How every call samples. */
  public SamplingParams sampling() {
    return config.sampling();
  }

  /** The model. */
  public CausalLm model() {
    return model;
  }

  @Override
  public List<List<Generation>> propose(List<PolicyRequest> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return List.of();
    }
    List<GenerationRequest> reqs = new ArrayList<>(batch.size());
    for (PolicyRequest r : batch) {
      reqs.add(GenerationRequest.ofText(r.prompt(), r.n()));
    }
    List<GenerationResult> results = model.generate(reqs, config);
    List<List<Generation>> out = new ArrayList<>(results.size());
    for (GenerationResult res : results) {
      List<Generation> gens = new ArrayList<>(res.completions().size());
      for (Completion c : res.completions()) {
        gens.add(
            new Generation(c.text(), c.stopReason(), res.promptTokens(), c.completionTokens()));
      }
      out.add(List.copyOf(gens));
    }
    return List.copyOf(out);
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }

  /** Builder of {@link OnnxPolicy}; setting an option twice fails ("sampling was already set"). */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private final CausalLm model;
    private SamplingParams sampling = SamplingParams.stepSearch();
    private boolean prefixReuse = true;
    private boolean ownsModel = true;

    private Builder(CausalLm model) {
      this.model = model;
    }

    /**
     * How to sample (default {@link SamplingParams#stepSearch()}).
     *
     * @throws NullPointerException if {@code params} is null
     * @throws IllegalStateException if already set
     */
    public Builder sampling(SamplingParams params) {
      set.mark("sampling");
      this.sampling = Objects.requireNonNull(params, "params");
      return this;
    }

    /**
     * Turns prefix KV reuse across calls on or off (default on).
     *
     * @throws IllegalStateException if already set
     */
    public Builder prefixReuse(boolean on) {
      set.mark("prefixReuse");
      this.prefixReuse = on;
      return this;
    }

    /**
     * Whether closing the policy closes the model (default true).
     *
     * @throws IllegalStateException if already set
     */
    public Builder ownsModel(boolean owns) {
      set.mark("ownsModel");
      this.ownsModel = owns;
      return this;
    }

    /** The policy. */
    public OnnxPolicy build() {
      GenerationConfig config =
          GenerationConfig.builder().sampling(sampling).prefixReuse(prefixReuse).build();
      return new OnnxPolicy(model, config, ownsModel);
    }
  }
}
