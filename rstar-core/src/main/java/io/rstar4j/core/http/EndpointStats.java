package io.rstar4j.core.http;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * One server's counters in an HTTP model's fleet of servers.
 *
 * @param endpoint the URL posted to
 * @param up whether it takes calls now (false while it is taken out after failing)
 * @param calls calls it answered
 * @param failures attempts that failed on it (HTTP 429 or 5xx, a timeout, a connection error)
 * @param takenOut how many times it was taken out after failing (always 0 for a lone server)
 * @param inFlight calls in flight on it now
 * @param maxInFlight the most calls it had in flight at once
 * @param promptTokens the {@code usage.prompt_tokens} of its replies
 * @param completionTokens the {@code usage.completion_tokens} of its replies
 * @param busy the summed duration of the calls it answered
 */
public record EndpointStats(
    URI endpoint,
    boolean up,
    long calls,
    long failures,
    long takenOut,
    int inFlight,
    int maxInFlight,
    long promptTokens,
    long completionTokens,
    Duration busy) {

  /** One line for logs: {@code URL: up, 12 calls (80 ms mean), 1 failed, ...}. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s: %s, %d calls (%d ms mean), %d failed, taken out %d times, at most %d in flight,"
            + " %d prompt + %d completion tokens",
        endpoint,
        up ? "up" : "out",
        calls,
        calls == 0 ? 0 : busy.toMillis() / calls,
        failures,
        takenOut,
        maxInFlight,
        promptTokens,
        completionTokens);
  }
}
