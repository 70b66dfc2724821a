package io.rstar4j.verify;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.OptionalDependency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs step programs in-process on GraalPy: one shared polyglot {@code Engine}, a pool of warm,
 * isolated Python contexts, a fresh namespace per program (no variable leaks from one run to the
 * next) while imported modules stay warm.
 *
 * <p>Isolation: no file system (or read-only access to the package directories given with {@link
 * Builder#pythonPath}), no sockets, no process or thread creation, no host (Java) or polyglot
 * access, no environment variables, no native code unless {@link Builder#allowNativeAccess}. Limits
 * per run: a wall-clock timeout enforced by a watchdog ({@code Context.interrupt}, then {@code
 * close(true)}), an output size cap and a recursion limit. A context is recycled (closed and
 * replaced in the background) after any interrupt, refusal or hard exit, and after {@link
 * Builder#maxRunsPerContext} runs.
 *
 * <p>Output semantics follow the reference executor: captured stdout, else the value of a trailing
 * expression; stripped; a float rounded to 4 decimals when that is shorter; over 1024 characters
 * the first and last 512 joined by {@code ...}; errors as {@code TypeName: message}.
 *
 * <p>Cold start (the first context of the JVM) takes seconds; the pool warms once, in the
 * background, from {@link Builder#build()}, and logs the time it took. Thread-safe.
 */
public final class GraalPyVerifier implements Verifier {
  /** The artifacts a user adds for the sandbox, as {@link #builder()}'s error names them. */
  static final String GRAALPY_ARTIFACTS =
      "org.graalvm.polyglot:polyglot and org.graalvm.polyglot:python-community (type pom)";

  /** The polyglot API and the Python language. */
  private static final List<String> GRAALPY_PROBES =
      List.of("org.graalvm.polyglot.Context", "com.oracle.graal.python.PythonLanguage");

  private final GraalPyContextPool pool;
  private final ExecutorService batchExecutor;

  private GraalPyVerifier(Builder b) {
    this.pool = new GraalPyContextPool(b);
    this.batchExecutor =
        Executors.newFixedThreadPool(
            b.poolSize,
            r -> {
              Thread t = new Thread(r, "rstar-graalpy-batch");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A builder with the defaults: 2 contexts, 500 ms timeout, 1 MiB output cap.
   *
   * @throws IllegalStateException if GraalPy is not on the class path: rstar-verify declares it
   *     optional, and the message names the artifacts to add ({@code org.graalvm.polyglot:polyglot}
   *     and {@code org.graalvm.polyglot:python-community}, type pom)
   */
  public static Builder builder() {
    for (String probe : GRAALPY_PROBES) {
      OptionalDependency.require(probe, "GraalPyVerifier", "GraalPy", GRAALPY_ARTIFACTS);
    }
    return new Builder();
  }

  @Override
  public ExecutionOutcome execute(String program) {
    Objects.requireNonNull(program, "program");
    return pool.execute(program);
  }

  /**
   * Runs a round's candidate steps concurrently: their programs, assembled by {@link
   * io.rstar4j.core.StepFormat#programOf}, go through {@link #executeAll}.
   *
   * @return one outcome per step, in order
   */
  @Override
  public List<ExecutionOutcome> executeSteps(List<StepInContext> steps) {
    Objects.requireNonNull(steps, "steps");
    return executeAll(Verifier.programsOf(steps));
  }

  /** Runs the programs concurrently on the pooled contexts; results in input order. */
  @Override
  public List<ExecutionOutcome> executeAll(List<String> programs) {
    List<Future<ExecutionOutcome>> futures = new ArrayList<>(programs.size());
    for (String p : programs) {
      Objects.requireNonNull(p, "program");
      futures.add(batchExecutor.submit(() -> pool.execute(p)));
    }
    List<ExecutionOutcome> out = new ArrayList<>(programs.size());
    for (Future<ExecutionOutcome> f : futures) {
      out.add(Futures.join(f));
    }
    return out;
  }

  /**
   * Blocks until at least one context is warm (imports done).
   *
   * @return whether one became ready within the time given
   */
  public boolean awaitReady(Duration max) {
    return pool.awaitReady(max);
  }

  /** Statistics: runs, contexts created, recycled, cold-start time. */
  public Stats stats() {
    return pool.stats();
  }

  /** Closes every context; later calls to {@link #execute} throw. */
  @Override
  public void close() {
    batchExecutor.shutdownNow();
    pool.close();
  }

  /**
   * Counters of a verifier's pool.
   *
   * @param runs programs run
   * @param contextsCreated contexts created (warm-up included)
   * @param contextsRecycled contexts closed and replaced
   * @param timeouts runs stopped by the watchdog
   * @param coldStart time to warm the first context (zero until it is warm)
   */
  public record Stats(
      long runs, long contextsCreated, long contextsRecycled, long timeouts, Duration coldStart) {}

  /** Configures a {@link GraalPyVerifier}. Every setter validates its argument at once. */
  public static final class Builder {
    int poolSize = 2;
    Duration timeout = Duration.ofMillis(500);
    Duration interruptGrace = Duration.ofMillis(100);
    Duration acquireTimeout = Duration.ofMinutes(3);
    int maxRunsPerContext = 2_000;
    int maxOutputChars = 1 << 20;
    int recursionLimit = 1_000;
    boolean allowNativeAccess;
    final List<Path> pythonPath = new ArrayList<>();
    final Set<String> preload =
        new LinkedHashSet<>(
            List.of(
                "math",
                "cmath",
                "fractions",
                "decimal",
                "itertools",
                "functools",
                "collections",
                "statistics",
                "random",
                "re",
                "string",
                "operator"));
    boolean preloadSet;

    private Builder() {}

    /**
     * Number of pooled contexts (and programs run at once).
     *
     * @throws IllegalArgumentException if not in 1..64
     */
    public Builder poolSize(int n) {
      this.poolSize = Checks.poolSize(n, "poolSize");
      return this;
    }

    /**
     * Wall-clock limit of one run.
     *
     * @throws IllegalArgumentException if not positive or over 10 minutes
     */
    public Builder timeout(Duration d) {
      this.timeout = Checks.runTimeout(d);
      return this;
    }

    /**
     * How long the watchdog waits for {@code Context.interrupt} before it cancels the context with
     * {@code close(true)}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder interruptGrace(Duration d) {
      this.interruptGrace = Checks.positive(d, "interruptGrace");
      return this;
    }

    /**
     * How long {@code execute} waits for a warm context before it gives up with a refusal.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder acquireTimeout(Duration d) {
      this.acquireTimeout = Checks.positive(d, "acquireTimeout");
      return this;
    }

    /**
     * Recycle a context after this many runs.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxRunsPerContext(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxRunsPerContext must be >= 1, was " + n);
      }
      this.maxRunsPerContext = n;
      return this;
    }

    /**
     * Output cap (characters written to stdout by one run); more is refused.
     *
     * @throws IllegalArgumentException if below 1024
     */
    public Builder maxOutputChars(int n) {
      this.maxOutputChars = Checks.maxOutputChars(n);
      return this;
    }

    /**
     * Python recursion limit of a run.
     *
     * @throws IllegalArgumentException if not in 50..100000
     */
    public Builder recursionLimit(int n) {
      this.recursionLimit = Checks.recursionLimit(n);
      return this;
    }

    /** Allows native code (C extensions); off by default. */
    public Builder allowNativeAccess(boolean allow) {
      this.allowNativeAccess = allow;
      return this;
    }

    /**
     * Adds a directory of pure-Python packages (read-only to the guest), e.g. Debian's {@code
     * /usr/lib/python3/dist-packages}. When it holds {@code sympy}, sympy is imported once per
     * context while the context warms (unless {@link #preload} was set).
     *
     * @throws IllegalArgumentException if it is not an existing directory
     */
    public Builder pythonPath(Path dir) {
      Objects.requireNonNull(dir, "dir");
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("python path is not a directory: " + dir);
      }
      Path abs = dir.toAbsolutePath().normalize();
      if (pythonPath.contains(abs)) {
        throw new IllegalArgumentException("python path was already added: " + abs);
      }
      pythonPath.add(abs);
      return this;
    }

    /**
     * The modules every context imports while it warms (replacing the default list of standard
     * modules). Heavy packages belong here, never in a run.
     *
     * @throws IllegalArgumentException if a name is not a dotted Python identifier
     */
    public Builder preload(List<String> modules) {
      Objects.requireNonNull(modules, "modules");
      Set<String> s = new LinkedHashSet<>();
      for (String m : modules) {
        Objects.requireNonNull(m, "module");
        if (!m.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
          throw new IllegalArgumentException("not a module name: '" + m + "'");
        }
        s.add(m);
      }
      preload.clear();
      preload.addAll(s);
      preloadSet = true;
      return this;
    }

    /** Builds the verifier and starts warming its contexts in the background. */
    public GraalPyVerifier build() {
      if (!preloadSet) {
        for (Path p : pythonPath) {
          if (Files.isDirectory(p.resolve("sympy"))) {
            preload.add("sympy");
          }
        }
      }
      return new GraalPyVerifier(this);
    }

    List<String> preloadList() {
      return List.copyOf(preload);
    }
  }
}
