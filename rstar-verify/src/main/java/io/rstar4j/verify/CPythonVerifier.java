package io.rstar4j.verify;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import java.io.IOException;
import java.lang.System.Logger.Level;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs step programs on a pool of persistent CPython worker processes (JSON lines over
 * stdin/stdout), with the same output semantics as {@link GraalPyVerifier}: for users who have
 * CPython (and fast sympy), and the baseline the GraalPy verifier is measured against.
 *
 * <p>Each worker sets {@code resource.setrlimit} limits (address space, no file writes, no core
 * dumps, no new processes where the OS honours it), runs with {@code -I} and an empty environment,
 * refuses file, network, process and host access from program code through the same guards as the
 * GraalPy sandbox plus an audit hook, and is killed and replaced when a run passes its timeout or
 * the worker dies. It is a resource-limited runner, not a security boundary as strong as the
 * GraalPy sandbox: run untrusted code with {@link GraalPyVerifier}.
 */
public final class CPythonVerifier implements Verifier {
  private static final System.Logger LOG = System.getLogger(CPythonVerifier.class.getName());

  private final CPythonWorker.Config config;
  private final Duration timeout;
  private final Duration startTimeout;
  private final int maxRunsPerWorker;
  private final LinkedBlockingQueue<CPythonWorker> idle = new LinkedBlockingQueue<>();
  private final Set<CPythonWorker> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ExecutorService starter;
  private final ExecutorService batchExecutor;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong replaced = new AtomicLong();
  private final AtomicInteger failedStarts = new AtomicInteger();
  private final Duration coldStart;
  private volatile boolean closed;
  private volatile IOException startFailure;

  private CPythonVerifier(Builder b) throws IOException {
    this.config =
        new CPythonWorker.Config(
            b.python,
            b.memoryBytes,
            b.maxOutputChars,
            b.recursionLimit,
            List.copyOf(b.pythonPath),
            List.copyOf(b.preload));
    this.timeout = b.timeout;
    this.startTimeout = b.startTimeout;
    this.maxRunsPerWorker = b.maxRunsPerWorker;
    this.starter = Executors.newFixedThreadPool(b.workers, daemon("rstar-cpython-start"));
    this.batchExecutor = Executors.newFixedThreadPool(b.workers, daemon("rstar-cpython-batch"));
    long t0 = System.nanoTime();
    CPythonWorker first = CPythonWorker.start(config, startTimeout);
    this.coldStart = Duration.ofNanos(System.nanoTime() - t0);
    live.add(first);
    idle.add(first);
    LOG.log(
        Level.INFO,
        "CPython verifier: first worker ({0}) ready in {1} ms; starting {2} more",
        b.python,
        String.valueOf(coldStart.toMillis()),
        b.workers - 1);
    for (int i = 1; i < b.workers; i++) {
      starter.execute(this::addWorker);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A builder with the defaults: {@code python3}, 2 workers, 1 s timeout, 1 GiB per worker, the
   * common standard modules and sympy (when installed) imported by each worker at start.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Counters of this pool. */
  public Stats stats() {
    return new Stats(runs.get(), replaced.get(), coldStart);
  }

  /**
   * Counters of a CPython pool.
   *
   * @param runs programs run
   * @param workersReplaced workers killed and replaced (timeouts, deaths, run limits)
   * @param coldStart time the first worker took to start and import its modules
   */
  public record Stats(long runs, long workersReplaced, Duration coldStart) {}

  private void addWorker() {
    if (closed) {
      return;
    }
    try {
      CPythonWorker w = CPythonWorker.start(config, startTimeout);
      if (closed) {
        w.kill();
        return;
      }
      failedStarts.set(0);
      live.add(w);
      idle.add(w);
    } catch (IOException e) {
      if (closed || Thread.currentThread().isInterrupted()) {
        return; // closed while the worker started: nothing failed
      }
      LOG.log(Level.WARNING, "CPython worker failed to start: " + e.getMessage());
      if (failedStarts.incrementAndGet() >= 3) {
        startFailure = e;
      } else if (!closed) {
        starter.execute(this::addWorker);
      }
    }
  }

  @Override
  public ExecutionOutcome execute(String program) {
    Objects.requireNonNull(program, "program");
    CPythonWorker w = acquire();
    long t0 = System.nanoTime();
    CPythonWorker.Reply reply = w.run(program, timeout);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    runs.incrementAndGet();
    w.runs++;
    ExecutionOutcome out;
    boolean replace;
    if (reply instanceof CPythonWorker.Reply.Done d) {
      out = PythonScripts.outcome(d.kind(), d.text(), elapsed);
      replace = w.runs >= maxRunsPerWorker || !d.intact();
    } else if (reply instanceof CPythonWorker.Reply.TimedOut) {
      out = new ExecutionOutcome.Timeout(timeout, elapsed);
      replace = true;
    } else {
      CPythonWorker.Reply.Died died = (CPythonWorker.Reply.Died) reply;
      out = new ExecutionOutcome.Error("RuntimeError: " + died.why(), elapsed);
      replace = true;
    }
    if (replace || closed) {
      w.kill();
      live.remove(w);
      if (!closed) {
        replaced.incrementAndGet();
        starter.execute(this::addWorker);
      }
    } else {
      idle.add(w);
    }
    return out;
  }

  private CPythonWorker acquire() {
    long deadline = System.nanoTime() + startTimeout.toNanos() * 2;
    while (true) {
      if (closed) {
        throw new IllegalStateException("verifier is closed");
      }
      IOException f = startFailure;
      if (f != null && idle.isEmpty() && live.isEmpty()) {
        throw new IllegalStateException("CPython workers cannot start: " + f.getMessage(), f);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no CPython worker became ready in time");
      }
      try {
        CPythonWorker w = idle.poll(200, TimeUnit.MILLISECONDS);
        if (w != null) {
          if (w.isAlive()) {
            return w;
          }
          live.remove(w);
          starter.execute(this::addWorker);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a CPython worker", e);
      }
    }
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

  /** Runs the programs concurrently on the workers; results in input order. */
  @Override
  public List<ExecutionOutcome> executeAll(List<String> programs) {
    List<Future<ExecutionOutcome>> futures = new ArrayList<>(programs.size());
    for (String p : programs) {
      Objects.requireNonNull(p, "program");
      futures.add(batchExecutor.submit(() -> execute(p)));
    }
    List<ExecutionOutcome> out = new ArrayList<>(programs.size());
    for (Future<ExecutionOutcome> f : futures) {
      out.add(Futures.join(f));
    }
    return out;
  }

  /** Kills every worker. */
  @Override
  public void close() {
    closed = true;
    starter.shutdownNow();
    batchExecutor.shutdownNow();
    for (CPythonWorker w : live) {
      w.kill();
    }
    live.clear();
    idle.clear();
  }

  /** Configures a {@link CPythonVerifier}. Every setter validates its argument at once. */
  public static final class Builder {
    String python = "python3";
    int workers = 2;
    Duration timeout = Duration.ofSeconds(1);
    Duration startTimeout = Duration.ofSeconds(60);
    long memoryBytes = 1L << 30;
    int maxOutputChars = 1 << 20;
    int recursionLimit = 1_000;
    int maxRunsPerWorker = 10_000;
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
                "operator",
                "sympy"));

    private Builder() {}

    /**
     * The Python executable (a name on {@code PATH} or a path).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder python(String executable) {
      Objects.requireNonNull(executable, "executable");
      if (executable.isBlank()) {
        throw new IllegalArgumentException("python executable must not be blank");
      }
      this.python = executable;
      return this;
    }

    /**
     * Number of worker processes.
     *
     * @throws IllegalArgumentException if not in 1..64
     */
    public Builder workers(int n) {
      this.workers = Checks.poolSize(n, "workers");
      return this;
    }

    /**
     * Wall-clock limit of one run; a worker past it is killed and replaced.
     *
     * @throws IllegalArgumentException if not positive or over 10 minutes
     */
    public Builder timeout(Duration d) {
      this.timeout = Checks.runTimeout(d);
      return this;
    }

    /**
     * How long a worker may take to start and import its modules.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder startTimeout(Duration d) {
      this.startTimeout = Checks.positive(d, "startTimeout");
      return this;
    }

    /**
     * Address-space limit of each worker ({@code RLIMIT_AS}).
     *
     * @throws IllegalArgumentException if under 64 MiB
     */
    public Builder memoryBytes(long bytes) {
      if (bytes < (64L << 20)) {
        throw new IllegalArgumentException("memoryBytes must be >= 64 MiB, was " + bytes);
      }
      this.memoryBytes = bytes;
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

    /**
     * Replace a worker after this many runs.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxRunsPerWorker(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxRunsPerWorker must be >= 1, was " + n);
      }
      this.maxRunsPerWorker = n;
      return this;
    }

    /**
     * Adds a package directory to the workers' {@code sys.path}.
     *
     * @throws IllegalArgumentException if it is not an existing directory
     */
    public Builder pythonPath(Path dir) {
      Objects.requireNonNull(dir, "dir");
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("python path is not a directory: " + dir);
      }
      pythonPath.add(dir.toAbsolutePath().normalize());
      return this;
    }

    /**
     * The modules each worker imports at start (replacing the default standard modules).
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
      return this;
    }

    /**
     * Starts the first worker (waiting for it) and the others in the background.
     *
     * @throws IOException when the first worker cannot start (no such executable, bad path)
     */
    public CPythonVerifier build() throws IOException {
      return new CPythonVerifier(this);
    }
  }
}
