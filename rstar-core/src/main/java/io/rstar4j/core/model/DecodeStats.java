package io.rstar4j.core.model;

/**
 * Cumulative timing of the model calls of a {@link CausalLm}, to see where a decode step's time
 * goes.
 *
 * @param decodeSteps batched decode steps run (one token for every live row)
 * @param decodeStepNanos wall time of those steps: input preparation, the model run, reading the
 *     logits, sampling and stop checks
 * @param decodeRunNanos time inside {@code OrtSession.run} during those steps
 * @param prefillRuns model runs for prompts
 * @param prefillNanos wall time of those runs including preparation
 * @param generatedTokens tokens sampled
 * @param decodeOutsideCpuNanos CPU time of the generating thread outside {@code OrtSession.run}
 *     during decode steps (0 unless {@link CausalLm.Builder#measureCpuTime(boolean)} is on); unlike
 *     wall time it does not count time the thread waited for a core
 * @param decodeRunCpuNanos CPU time of the generating thread inside {@code OrtSession.run} during
 *     decode steps (the whole model cost only with one intra-op thread, which runs on the calling
 *     thread; 0 unless measured)
 */
public record DecodeStats(
    long decodeSteps,
    long decodeStepNanos,
    long decodeRunNanos,
    long prefillRuns,
    long prefillNanos,
    long generatedTokens,
    long decodeOutsideCpuNanos,
    long decodeRunCpuNanos) {

  /** Share of decode-step time spent outside {@code OrtSession.run} (0 when no steps ran). */
  public double outsideRunShare() {
    return decodeStepNanos == 0 ? 0 : 1.0 - (double) decodeRunNanos / decodeStepNanos;
  }

  /**
   * Share of the generating thread's CPU time in decode steps spent outside {@code OrtSession.run}
   * (0 when not measured). Meaningful with one intra-op thread.
   */
  public double outsideRunCpuShare() {
    long all = decodeOutsideCpuNanos + decodeRunCpuNanos;
    return all == 0 ? 0 : (double) decodeOutsideCpuNanos / all;
  }

  /** The difference {@code this - earlier}, for measuring an interval. */
  public DecodeStats minus(DecodeStats earlier) {
    return new DecodeStats(
        decodeSteps - earlier.decodeSteps,
        decodeStepNanos - earlier.decodeStepNanos,
        decodeRunNanos - earlier.decodeRunNanos,
        prefillRuns - earlier.prefillRuns,
        prefillNanos - earlier.prefillNanos,
        generatedTokens - earlier.generatedTokens,
        decodeOutsideCpuNanos - earlier.decodeOutsideCpuNanos,
        decodeRunCpuNanos - earlier.decodeRunCpuNanos);
  }
}
