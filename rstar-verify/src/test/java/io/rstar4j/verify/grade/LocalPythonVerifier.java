package io.rstar4j.verify.grade;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-scope {@link Verifier} that runs each program in a fresh local {@code python3} process:
 * enough to exercise the sympy back end of the grader without the GraalPy sandbox.
 */
final class LocalPythonVerifier implements Verifier {
  private final AtomicInteger runs = new AtomicInteger();

  /** Whether {@code python3} with sympy can be run here. */
  static boolean available() {
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import sympy; print(sympy.__version__)")
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int runs() {
    return runs.get();
  }

  @Override
  public ExecutionOutcome execute(String program) {
    runs.incrementAndGet();
    long t0 = System.nanoTime();
    try {
      Process p = new ProcessBuilder("python3", "-c", program).start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new ExecutionOutcome.Timeout(Duration.ofSeconds(60), since(t0));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        String last =
            err.isEmpty()
                ? "Error: exit " + p.exitValue()
                : err.substring(err.lastIndexOf('\n') + 1);
        return new ExecutionOutcome.Error(last, since(t0));
      }
      return new ExecutionOutcome.Output(out.strip(), since(t0));
    } catch (IOException e) {
      return new ExecutionOutcome.Error("OSError: " + e.getMessage(), since(t0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecutionOutcome.Error("InterruptedError", since(t0));
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
