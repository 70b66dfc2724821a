package io.rstar4j.core.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The running totals behind {@link DecodeStats}, and the generating thread's CPU clock when it is
 * measured. Not thread-safe ({@link CausalLm} serialises generation).
 */
final class DecodeCounters {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final boolean cpuTiming;
  private long decodeSteps;
  private long decodeStepNanos;
  private long decodeRunNanos;
  private long prefillRuns;
  private long prefillNanos;
  private long generatedTokens;
  private long decodeOutsideCpuNanos;
  private long decodeRunCpuNanos;

  /**
   * @param cpuTiming whether to read the thread's CPU time around every decode step (ignored where
   *     the JVM cannot)
   */
  DecodeCounters(boolean cpuTiming) {
    this.cpuTiming = cpuTiming && THREADS.isCurrentThreadCpuTimeSupported();
  }

  /** The generating thread's CPU time now, or 0 when not measured. */
  long cpuNow() {
    return cpuTiming ? THREADS.getCurrentThreadCpuTime() : 0L;
  }

  /** One prompt run (or batch of prompts) of {@code nanos}. */
  void prefillRun(long nanos) {
    prefillRuns++;
    prefillNanos += nanos;
  }

  /** One batched decode step of {@code stepNanos}, {@code runNanos} of it in the model. */
  void decodeStep(long stepNanos, long runNanos) {
    decodeSteps++;
    decodeRunNanos += runNanos;
    decodeStepNanos += stepNanos;
  }

  /**
   * The CPU time of one decode step: {@code stepCpuNanos} in all, {@code runCpuNanos} of it inside
   * {@code OrtSession.run} (so that tensor creation counts as outside, the same split as the
   * wall-clock figures). Ignored unless measured.
   */
  void decodeStepCpu(long stepCpuNanos, long runCpuNanos) {
    if (cpuTiming) {
      decodeOutsideCpuNanos += stepCpuNanos - runCpuNanos;
      decodeRunCpuNanos += runCpuNanos;
    }
  }

  /** One token sampled. */
  void token() {
    generatedTokens++;
  }

  DecodeStats snapshot() {
    return new DecodeStats(
        decodeSteps,
        decodeStepNanos,
        decodeRunNanos,
        prefillRuns,
        prefillNanos,
        generatedTokens,
        decodeOutsideCpuNanos,
        decodeRunCpuNanos);
  }
}
