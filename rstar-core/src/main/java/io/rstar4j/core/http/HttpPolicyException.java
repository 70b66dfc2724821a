package io.rstar4j.core.http;

import io.rstar4j.core.SpiException;

/**
 * A call to a served model failed (the policy's completions, or the reward model's pooling or
 * classify call): the server could not be reached, kept failing after the retries, refused the
 * request, timed out, or sent a reply of the wrong shape. The message names the endpoint, the
 * number of attempts and the cause, and quotes the start of the reply. The {@link SpiException} of
 * the HTTP policy and the HTTP reward model.
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
