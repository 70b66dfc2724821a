package io.rstar4j.core.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The servers one HTTP client posts to, and the one retry loop every HTTP model of this package
 * shares: each call goes to the least loaded endpoint that is up and below its in-flight cap
 * (waiting when every one is at its cap: back-pressure); an attempt that fails with HTTP 429 or
 * 5xx, a timeout or a connection error takes its endpoint out for a while (doubling with each
 * failure in a row, a single probe call once it is back) and is retried, at once on another
 * endpoint when one is up, else after an exponential backoff that honours {@code Retry-After}.
 * Other HTTP statuses and what the parser throws end the call at once. A reply counts only once it
 * is parsed, so a call is answered by exactly one server. Thread-safe.
 */
final class Fleet {
  private static final System.Logger LOG = System.getLogger(Fleet.class.getName());

  /** Makes the caller's exception: message, HTTP status (-1 for none), cause. */
  interface Failure {
    RuntimeException make(String message, int status, Throwable cause);
  }

  /** Reads a 2xx body; what it throws ends the call (malformed replies are not retried). */
  interface Parser<T> {
    Parsed<T> parse(String body, URI endpoint);
  }

  /** A parsed reply and the tokens its {@code usage} reports. */
  record Parsed<T>(T value, long promptTokens, long completionTokens) {}

  /** The settings a fleet is made with. */
  record Settings(
      Duration timeout,
      int maxRetries,
      Duration initialBackoff,
      Duration maxBackoff,
      int maxInFlightPerEndpoint,
      Duration initialDowntime,
      Duration maxDowntime,
      String apiKey) {}

  static final class Endpoint {
    final URI uri;
    int inFlight;
    int maxInFlight;
    int failuresInARow;
    long downUntil; // System.nanoTime(); meaningful when failuresInARow > 0
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong takenOut = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong completionTokens = new AtomicLong();
    final AtomicLong busyNanos = new AtomicLong();

    Endpoint(URI uri) {
      this.uri = uri;
    }
  }

  private final List<Endpoint> endpoints;
  private final Settings s;
  private final HttpClient client;
  private final Failure failure;

  Fleet(List<URI> uris, Settings settings, HttpClient client, Failure failure) {
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    List<Endpoint> eps = new ArrayList<>();
    for (URI u : uris) {
      eps.add(new Endpoint(u));
    }
    this.endpoints = List.copyOf(eps);
    this.s = settings;
    this.client = client;
    this.failure = failure;
  }

  List<URI> uris() {
    List<URI> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      out.add(e.uri);
    }
    return out;
  }

  /** What the endpoints named in messages look like: one URL, or "N servers (a, b, ...)". */
  String describe() {
    if (endpoints.size() == 1) {
      return endpoints.get(0).uri.toString();
    }
    StringBuilder sb = new StringBuilder();
    for (Endpoint e : endpoints) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.uri);
    }
    return endpoints.size() + " servers (" + sb + ")";
  }

  /** A snapshot of every endpoint's counters, in the order the endpoints were given. */
  synchronized List<EndpointStats> stats() {
    long now = System.nanoTime();
    List<EndpointStats> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      boolean up = isUp(e, now);
      out.add(
          new EndpointStats(
              e.uri,
              up,
              e.calls.get(),
              e.failures.get(),
              e.takenOut.get(),
              e.inFlight,
              e.maxInFlight,
              e.promptTokens.get(),
              e.completionTokens.get(),
              Duration.ofNanos(e.busyNanos.get())));
    }
    return out;
  }

  // ---------------------------------------------------------------- choosing an endpoint

  // a lone endpoint is never taken out: the backoff alone spaces its retries
  private int cap(Endpoint e) {
    return e.failuresInARow > 0 && endpoints.size() > 1
        ? 1 // one probe call when back
        : s.maxInFlightPerEndpoint();
  }

  private boolean isUp(Endpoint e, long now) {
    return e.failuresInARow == 0 || e.downUntil <= now || endpoints.size() == 1;
  }

  /**
   * The endpoint the next attempt goes to, counted in flight: the least loaded one that is up and
   * below its cap, another than {@code avoid} when there is a choice; when every endpoint is out,
   * the one back first (the caller has waited its backoff). Waits while every candidate is at its
   * cap.
   */
  synchronized Endpoint acquire(Endpoint avoid) throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      Endpoint best = null;
      boolean anyUp = false;
      for (Endpoint e : endpoints) {
        if (!isUp(e, now)) {
          continue;
        }
        anyUp = true;
        if (e.inFlight >= cap(e)) {
          continue;
        }
        if (best == null || better(e, best, avoid)) {
          best = e;
        }
      }
      if (best == null && !anyUp) {
        for (Endpoint e : endpoints) {
          if (e.inFlight < Math.max(1, cap(e)) && (best == null || e.downUntil < best.downUntil)) {
            best = e;
          }
        }
      }
      if (best != null) {
        best.inFlight++;
        best.maxInFlight = Math.max(best.maxInFlight, best.inFlight);
        return best;
      }
      long waitMs = 50;
      for (Endpoint e : endpoints) {
        if (!isUp(e, now)) {
          waitMs = Math.min(waitMs, Math.max(1, (e.downUntil - now) / 1_000_000 + 1));
        }
      }
      wait(waitMs);
    }
  }

  private static boolean better(Endpoint e, Endpoint best, Endpoint avoid) {
    if ((e == avoid) != (best == avoid)) {
      return best == avoid;
    }
    if (e.inFlight != best.inFlight) {
      return e.inFlight < best.inFlight;
    }
    return e.calls.get() + e.failures.get() < best.calls.get() + best.failures.get();
  }

  private synchronized void succeeded(Endpoint e, long nanos) {
    e.inFlight--;
    e.failuresInARow = 0;
    e.busyNanos.addAndGet(nanos);
    notifyAll();
  }

  /** Releases an attempt whose failure says nothing about the endpoint's health (a 4xx). */
  private synchronized void released(Endpoint e) {
    e.inFlight--;
    notifyAll();
  }

  private synchronized void failed(Endpoint e) {
    e.inFlight--;
    e.failures.incrementAndGet();
    if (e.failuresInARow == 0 && endpoints.size() > 1) {
      e.takenOut.incrementAndGet();
    }
    e.failuresInARow++;
    double ms =
        Math.min(
            s.maxDowntime().toMillis(),
            s.initialDowntime().toMillis() * Math.pow(2, Math.min(30, e.failuresInARow - 1)));
    e.downUntil = System.nanoTime() + (long) ms * 1_000_000;
    notifyAll();
  }

  private synchronized boolean anotherIsUp(Endpoint except) {
    long now = System.nanoTime();
    for (Endpoint e : endpoints) {
      if (e != except && isUp(e, now)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- one call

  /**
   * Posts {@code body} and parses the reply, retrying as the class comment says.
   *
   * @param retries counted up by one per retried attempt
   * @throws RuntimeException of the {@link Failure}, or what the parser throws
   */
  <T> T post(String body, Parser<T> parser, AtomicLong retries) throws InterruptedException {
    int attempts = 0;
    int maxAttempts = s.maxRetries() + endpoints.size();
    Endpoint last = null;
    while (true) {
      attempts++;
      Endpoint ep = acquire(last);
      last = ep;
      HttpRequest.Builder rb =
          HttpRequest.newBuilder(ep.uri)
              .timeout(s.timeout())
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (s.apiKey() != null) {
        rb.header("Authorization", "Bearer " + s.apiKey());
      }
      String problem;
      int status = -1;
      Exception cause = null;
      Duration retryAfter = null;
      long t0 = System.nanoTime();
      boolean released = false;
      try {
        HttpResponse<String> resp =
            client.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        status = resp.statusCode();
        if (status >= 200 && status < 300) {
          Parsed<T> p;
          try {
            p = parser.parse(resp.body(), ep.uri);
          } catch (RuntimeException e) {
            released(ep);
            released = true;
            throw e;
          }
          succeeded(ep, System.nanoTime() - t0);
          released = true;
          ep.calls.incrementAndGet();
          ep.promptTokens.addAndGet(p.promptTokens());
          ep.completionTokens.addAndGet(p.completionTokens());
          return p.value();
        }
        problem = "HTTP " + status + ": " + excerpt(resp.body());
        if (status != 429 && status < 500) {
          released(ep);
          released = true;
          throw failure.make("POST " + ep.uri + " was refused: " + problem, status, null);
        }
        retryAfter = retryAfter(resp);
      } catch (HttpTimeoutException e) {
        problem = "no reply within " + s.timeout().toMillis() + " ms (timed out)";
        cause = e;
      } catch (ConnectException e) {
        problem =
            "cannot connect ("
                + (e.getMessage() == null ? "connection refused" : e.getMessage())
                + ")";
        cause = e;
      } catch (IOException e) {
        problem = "I/O error: " + e;
        cause = e;
      } catch (InterruptedException | RuntimeException e) {
        if (!released) {
          released(ep);
        }
        throw e;
      }
      failed(ep);
      int allowed = endpoints.size() == 1 ? s.maxRetries() + 1 : maxAttempts;
      if (attempts >= allowed) {
        throw failure.make(
            "POST "
                + (endpoints.size() == 1 ? ep.uri.toString() : describe())
                + " failed after "
                + attempts
                + " attempt"
                + (attempts == 1 ? "" : "s")
                + ": "
                + problem,
            status,
            cause);
      }
      retries.incrementAndGet();
      if (anotherIsUp(ep)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "POST {0}: {1}; taken out for a while, retry {2} on another server",
            ep.uri,
            problem,
            attempts);
        continue;
      }
      Duration wait = backoff(attempts, retryAfter);
      LOG.log(
          System.Logger.Level.WARNING,
          "POST {0}: {1}; retry {2} of {3} in {4} ms",
          ep.uri,
          problem,
          attempts,
          allowed - 1,
          wait.toMillis());
      Thread.sleep(wait.toMillis());
    }
  }

  private Duration backoff(int attempt, Duration retryAfter) {
    double base = s.initialBackoff().toMillis() * Math.pow(2, Math.min(30, attempt - 1));
    long millis =
        (long)
            Math.min(
                s.maxBackoff().toMillis(),
                base * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    if (retryAfter != null) {
      millis = Math.max(millis, Math.min(retryAfter.toMillis(), s.maxBackoff().toMillis()));
    }
    return Duration.ofMillis(millis);
  }

  private static Duration retryAfter(HttpResponse<?> resp) {
    Optional<String> h = resp.headers().firstValue("Retry-After");
    if (h.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofMillis((long) (Double.parseDouble(h.get().trim()) * 1000));
    } catch (NumberFormatException e) {
      return null; // an HTTP date: use our own backoff
    }
  }

  /** The start of a body, whitespace folded, for error messages. */
  static String excerpt(String body) {
    if (body == null || body.isEmpty()) {
      return "(empty body)";
    }
    String t = body.strip().replaceAll("\\s+", " ");
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  /**
   * An http(s) base URL, without trailing slashes.
   *
   * @throws IllegalArgumentException if it is not an absolute http(s) URL
   */
  static String baseUrl(String url) {
    URI u;
    try {
      u = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("base URL is not a URL: " + url, e);
    }
    if (u.getScheme() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException("base URL must be an absolute http(s) URL, was: " + url);
    }
    String t = u.toString();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  static HttpClient client(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }
}
