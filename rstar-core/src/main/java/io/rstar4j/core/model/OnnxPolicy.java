package io.rstar4j.core.model;

import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.StepFormat;
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
 * try (OnnxPolicy policy = OnnxPolicy.builder(CausalLm.load(dir)).temperature(0.7).build()) {
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
   * A builder over a loaded model. Defaults: temperature 0.7, top-p 0.95, top-k off, 1024 tokens,
   * no seed, the step format's stop strings, KV cache and prefix reuse on; the policy closes the
   * model when closed unless {@link Builder#ownsModel(boolean)} says otherwise.
   */
  public static Builder builder(CausalLm model) {
    return new Builder(Objects.requireNonNull(model, "model"));
  }

  /**
   * A policy with default settings over the export in a directory.
   *
   * @throws IOException if a file is missing or unreadable
   */
  public static OnnxPolicy load(Path directory) throws IOException {
    return builder(CausalLm.load(directory)).build();
  }

  /** The sampling configuration every call uses. */
  public GenerationConfig config() {
    return config;
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

  /** Builder of {@link OnnxPolicy}; setters validate at once. */
  public static final class Builder {
    private final CausalLm model;
    private final GenerationConfig.Builder cfg =
        GenerationConfig.builder()
            .temperature(0.7)
            .topP(0.95)
            .maxTokens(1024)
            .stopStrings(StepFormat.STOP_STRINGS);
    private boolean ownsModel = true;

    private Builder(CausalLm model) {
      this.model = model;
    }

    /**
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder temperature(double t) {
      cfg.temperature(t);
      return this;
    }

    /**
     * @throws IllegalArgumentException if not in (0, 1]
     */
    public Builder topP(double p) {
      cfg.topP(p);
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative
     */
    public Builder topK(int k) {
      cfg.topK(k);
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxTokens(int n) {
      cfg.maxTokens(n);
      return this;
    }

    /** Seeds sampling: same seed and prompt, same proposals. */
    public Builder seed(long seed) {
      cfg.seed(seed);
      return this;
    }

    /**
     * Replaces the stop strings (default {@link StepFormat#STOP_STRINGS}).
     *
     * @throws IllegalArgumentException if one is empty
     */
    public Builder stopStrings(List<String> stops) {
      cfg.stopStrings(stops);
      return this;
    }

    /** Turns prefix KV reuse across calls on or off (default on). */
    public Builder prefixReuse(boolean on) {
      cfg.prefixReuse(on);
      return this;
    }

    /** Whether closing the policy closes the model (default true). */
    public Builder ownsModel(boolean owns) {
      this.ownsModel = owns;
      return this;
    }

    /** The policy. */
    public OnnxPolicy build() {
      return new OnnxPolicy(model, cfg.build(), ownsModel);
    }
  }
}
