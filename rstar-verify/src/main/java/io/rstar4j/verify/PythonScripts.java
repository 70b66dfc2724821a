package io.rstar4j.verify;

import io.rstar4j.core.ExecutionOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/** The Python sources shipped as resources, and the mapping of the runner's result to outcomes. */
final class PythonScripts {
  /** The program runner shared by both verifiers (reference output semantics, hardening). */
  static final String RUNNER = load("rstar_exec.py");

  /** A {@code unicodedata} replacement for GraalPy without native access. */
  static final String UNICODEDATA_STUB = load("unicodedata_stub.py");

  private PythonScripts() {}

  private static String load(String name) {
    try (InputStream in = PythonScripts.class.getResourceAsStream(name)) {
      Objects.requireNonNull(in, () -> "missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Maps the runner's {@code (kind, text)} to an outcome.
   *
   * @throws IllegalArgumentException on an unknown kind
   */
  static ExecutionOutcome outcome(String kind, String text, Duration elapsed) {
    switch (kind) {
      case "output":
        return new ExecutionOutcome.Output(text, elapsed);
      case "error":
        return new ExecutionOutcome.Error(text, elapsed);
      case "refused":
        return new ExecutionOutcome.Refused(text, elapsed);
      default:
        throw new IllegalArgumentException("unknown outcome kind " + kind);
    }
  }

  /** The reference's 512 + "..." + 512 truncation, for texts made on the Java side. */
  static String truncate(String s) {
    if (s.length() > 1024) {
      return s.substring(0, 512) + "..." + s.substring(s.length() - 512);
    }
    return s;
  }
}
