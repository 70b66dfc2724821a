package io.rstar4j.core.http;

import io.rstar4j.core.SpiException;

/**
 * A remote policy call failed: the server could not be reached, kept failing after the retries,
 * refused the request, timed out, or sent a reply that is not a completions reply. The message
 * names the endpoint, the number of attempts and the cause. The {@link SpiException} of the HTTP
 * policy.
 */
public final class HttpPolicyException extends SpiException {
  private static final long serialVersionUID = 1L;
  private final int statusCode;

  HttpPolicyException(String message, int statusCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  /** The HTTP status of the last reply, or -1 when there was none (timeout, connection error). */
  public int statusCode() {
    return statusCode;
  }
}
