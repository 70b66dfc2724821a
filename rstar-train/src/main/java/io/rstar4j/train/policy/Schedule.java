package io.rstar4j.train.policy;

/**
 * Linear warm-up then cosine decay to 0, as Hugging Face's {@code get_cosine_schedule_with_warmup}
 * (except that the first warm-up step already moves: {@code (step + 1) / warmup}).
 */
final class Schedule {
  private final double peak;
  private final long warmup;
  private final long total;

  Schedule(double peak, long warmup, long total) {
    this.peak = peak;
    this.warmup = Math.max(0, Math.min(warmup, total));
    this.total = Math.max(1, total);
  }

  /** The rate of the step after {@code done} steps. */
  double rate(long done) {
    if (done < warmup) {
      return peak * (done + 1) / warmup;
    }
    double progress = (double) (done - warmup) / Math.max(1, total - warmup);
    return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
  }
}
