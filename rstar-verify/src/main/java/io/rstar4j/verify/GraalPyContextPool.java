package io.rstar4j.verify;

import io.rstar4j.core.ExecutionOutcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/** The pool of warm GraalPy contexts behind {@link GraalPyVerifier}. */
final class GraalPyContextPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GraalPyVerifier.class.getName());
  private static final int MAX_CONSECUTIVE_WARM_FAILURES = 3;

  private static final Source RUNNER_SOURCE =
      Source.newBuilder("python", PythonScripts.RUNNER, "rstar_exec.py").buildLiteral();
  private static final Source STUB_SOURCE =
      Source.newBuilder("python", PythonScripts.UNICODEDATA_STUB, "unicodedata_stub.py")
          .buildLiteral();

  private static final String SYMPY_EXERCISE =
      "import sympy as sp\n"
          + "x, y = sp.symbols('x y')\n"
          + "sp.solve([x + y - 3, x - y - 1], [x, y])\n"
          + "sp.solve(x**2 - 5*x + 6, x)\n"
          + "sp.simplify(sp.sin(x)**2 + sp.cos(x)**2)\n"
          + "sp.Rational(1, 3) + sp.sqrt(8)\n"
          + "sp.factor(x**2 - 1)\n"
          + "str(sp.expand((x + 1)**3))\n";

  private final int poolSize;
  private final Duration timeout;
  private final Duration interruptGrace;
  private final Duration acquireTimeout;
  private final int maxRunsPerContext;
  private final int maxOutputChars;
  private final int recursionLimit;
  private final boolean allowNativeAccess;
  private final List<Path> pythonPath;
  private final String preload;

  private final Engine engine;
  private final IOAccess ioAccess;
  private final LinkedBlockingQueue<Slot> idle = new LinkedBlockingQueue<>();
  private final Set<Slot> live = ConcurrentHashMap.newKeySet();
  private final ExecutorService warmer;
  private final ScheduledExecutorService watchdog;
  private final CountDownLatch firstReady = new CountDownLatch(1);
  private final AtomicInteger consecutiveWarmFailures = new AtomicInteger();
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong recycled = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile Duration coldStart = Duration.ZERO;
  private volatile RuntimeException fatal;
  private volatile boolean closed;

  /** One pooled context with its runner function. */
  static final class Slot {
    final Context context;
    final Value run;
    int runs;
    volatile boolean stopped;

    Slot(Context context, Value run) {
      this.context = context;
      this.run = run;
    }
  }

  GraalPyContextPool(GraalPyVerifier.Builder b) {
    this.poolSize = b.poolSize;
    this.timeout = b.timeout;
    this.interruptGrace = b.interruptGrace;
    this.acquireTimeout = b.acquireTimeout;
    this.maxRunsPerContext = b.maxRunsPerContext;
    this.maxOutputChars = b.maxOutputChars;
    this.recursionLimit = b.recursionLimit;
    this.allowNativeAccess = b.allowNativeAccess;
    this.pythonPath = List.copyOf(b.pythonPath);
    this.preload = String.join(",", b.preloadList());
    this.engine = SharedEngine.get();
    this.ioAccess = SandboxFileSystems.ioAccess(pythonPath);
    this.warmer = Executors.newFixedThreadPool(poolSize, daemon("rstar-graalpy-warm"));
    this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("rstar-graalpy-watchdog"));
    LOG.log(
        Level.INFO,
        "GraalPy verifier: warming {0} context(s) in the background (timeout {1} ms, preload [{2}]"
            + "{3})",
        poolSize,
        String.valueOf(timeout.toMillis()),
        preload,
        pythonPath.isEmpty() ? "" : ", python path " + pythonPath);
    for (int i = 0; i < poolSize; i++) {
      warmer.execute(this::addFresh);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private Context newContext() {
    Context.Builder cb =
        Context.newBuilder("python")
            .engine(engine)
            .allowIO(ioAccess)
            .allowCreateThread(false)
            .allowCreateProcess(false)
            .allowNativeAccess(allowNativeAccess)
            .allowHostAccess(HostAccess.NONE)
            .allowHostClassLookup(name -> false)
            .allowHostClassLoading(false)
            .allowPolyglotAccess(PolyglotAccess.NONE)
            .allowEnvironmentAccess(EnvironmentAccess.NONE)
            .allowInnerContextOptions(false)
            .in(InputStream.nullInputStream())
            .out(OutputStream.nullOutputStream())
            .err(OutputStream.nullOutputStream())
            .option("python.DontWriteBytecodeFlag", "true");
    if (!pythonPath.isEmpty()) {
      cb.option(
          "python.PythonPath",
          pythonPath.stream().map(Path::toString).collect(Collectors.joining(":")));
    }
    return cb.build();
  }

  private void addFresh() {
    if (closed) {
      return;
    }
    long t0 = System.nanoTime();
    Context ctx = null;
    try {
      ctx = newContext();
      ctx.eval(RUNNER_SOURCE);
      if (!allowNativeAccess && !pythonPath.isEmpty()) {
        ctx.eval(STUB_SOURCE);
      }
      Value bindings = ctx.getBindings("python");
      String report =
          bindings
              .getMember("rstar_setup")
              .execute(maxOutputChars, recursionLimit, preload)
              .asString();
      Value run = bindings.getMember("rstar_run");
      run.execute("x = 1\nx + 1");
      if (Arrays.asList(report.split("\n", -1)[0].split(",")).contains("sympy")) {
        // the first solve and simplify of a context cost seconds: pay them here, not in a run
        run.execute(SYMPY_EXERCISE);
      }
      Slot s = new Slot(ctx, run);
      created.incrementAndGet();
      consecutiveWarmFailures.set(0);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      String[] parts = report.split("\n", -1);
      if (parts.length > 1 && !parts[1].isEmpty()) {
        LOG.log(Level.WARNING, "GraalPy context: preload failed for {0}", parts[1]);
      }
      if (firstReady.getCount() > 0) {
        coldStart = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.log(
            Level.INFO,
            "GraalPy verifier: first context warm after {0} ms (cold start; imported [{1}])",
            String.valueOf(coldStart.toMillis()),
            parts[0]);
      } else {
        LOG.log(Level.DEBUG, "GraalPy context warmed in {0} ms", String.valueOf(took.toMillis()));
      }
      if (closed) {
        ctx.close(true);
        return;
      }
      live.add(s);
      idle.offer(s);
      firstReady.countDown();
    } catch (RuntimeException e) {
      if (ctx != null) {
        closeQuietly(ctx);
      }
      if (closed) {
        return;
      }
      int n = consecutiveWarmFailures.incrementAndGet();
      LOG.log(Level.WARNING, "GraalPy context failed to start (attempt " + n + ")", e);
      if (n >= MAX_CONSECUTIVE_WARM_FAILURES) {
        fatal = new IllegalStateException("GraalPy sandbox could not start: " + e.getMessage(), e);
        firstReady.countDown();
      } else {
        warmer.execute(this::addFresh);
      }
    }
  }

  private static void closeQuietly(Context ctx) {
    try {
      ctx.close(true);
    } catch (RuntimeException ignored) {
      // already closed or cancelled
    }
  }

  boolean awaitReady(Duration max) {
    try {
      return firstReady.await(max.toNanos(), TimeUnit.NANOSECONDS) && fatal == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  GraalPyVerifier.Stats stats() {
    return new GraalPyVerifier.Stats(
        runs.get(), created.get(), recycled.get(), timeouts.get(), coldStart);
  }

  ExecutionOutcome execute(String program) {
    if (closed) {
      throw new IllegalStateException("verifier is closed");
    }
    Slot s = acquire();
    long t0 = System.nanoTime();
    boolean recycle = true;
    ExecutionOutcome out = null;
    ScheduledFuture<?> dog = null;
    try {
      dog = watchdog.schedule(() -> stop(s), timeout.toNanos(), TimeUnit.NANOSECONDS);
      // the runner's two looks at the source text, on compiled Java instead of the guest
      Value r =
          s.run.execute(
              program,
              ProgramText.endsWithStatement(program),
              ProgramText.mayTouchSharedState(program));
      String kind = r.getArrayElement(0).asString();
      String text = r.getArrayElement(1).asString();
      boolean intact = r.getArrayElement(2).asBoolean();
      awaitWatchdog(dog);
      out = PythonScripts.outcome(kind, text, elapsedSince(t0));
      if (intact) {
        recycle = false;
      } else {
        LOG.log(Level.WARNING, "a program changed the runner's state; recycling its context");
      }
    } catch (PolyglotException e) {
      awaitWatchdog(dog);
      out = classify(e, s.stopped, elapsedSince(t0));
    } catch (IllegalStateException e) {
      // the context was closed under us (verifier closing, or a watchdog cancel racing)
      awaitWatchdog(dog);
      out =
          s.stopped
              ? new ExecutionOutcome.Timeout(timeout, elapsedSince(t0))
              : new ExecutionOutcome.Error(
                  "RuntimeError: sandbox context closed: " + e.getMessage(), elapsedSince(t0));
    } catch (OutOfMemoryError e) {
      awaitWatchdog(dog);
      out = new ExecutionOutcome.Refused("MemoryError: out of memory", elapsedSince(t0));
    } catch (RuntimeException | StackOverflowError e) {
      awaitWatchdog(dog);
      LOG.log(Level.WARNING, "unexpected failure of a GraalPy run; recycling its context", e);
      out =
          new ExecutionOutcome.Error(
              PythonScripts.truncate("RuntimeError: sandbox failure: " + e), elapsedSince(t0));
    } finally {
      runs.incrementAndGet();
      if (s.stopped) {
        recycle = true;
        if (out instanceof ExecutionOutcome.Timeout) {
          timeouts.incrementAndGet();
        }
      }
      s.runs++;
      release(s, recycle || s.runs >= maxRunsPerContext);
    }
    return out;
  }

  private ExecutionOutcome classify(PolyglotException e, boolean stopped, Duration elapsed) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (stopped && (e.isCancelled() || e.isInterrupted() || e.isResourceExhausted())) {
      return new ExecutionOutcome.Timeout(timeout, elapsed);
    }
    if (stopped) {
      return new ExecutionOutcome.Timeout(timeout, elapsed);
    }
    if (e.isExit()) {
      return new ExecutionOutcome.Error("SystemExit: " + e.getExitStatus(), elapsed);
    }
    if (e.isResourceExhausted()) {
      return new ExecutionOutcome.Refused(PythonScripts.truncate("MemoryError: " + msg), elapsed);
    }
    if (e.isCancelled() || e.isInterrupted()) {
      return new ExecutionOutcome.Error("RuntimeError: execution cancelled", elapsed);
    }
    if (e.isHostException() || e.isInternalError() || !e.isGuestException()) {
      // a sandbox denial raised below Python (process, socket, file or thread creation)
      return new ExecutionOutcome.Refused(
          PythonScripts.truncate("PermissionError: " + hostMessage(msg)), elapsed);
    }
    return new ExecutionOutcome.Error(PythonScripts.truncate(msg), elapsed);
  }

  private static String hostMessage(String msg) {
    // "java.lang.SecurityException: Process creation is not allowed, ..." -> the message part
    int colon = msg.indexOf(": ");
    if (colon > 0 && msg.substring(0, colon).matches("[\\w.$]+")) {
      return msg.substring(colon + 2);
    }
    return msg;
  }

  private static Duration elapsedSince(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private void awaitWatchdog(ScheduledFuture<?> dog) {
    if (dog != null && !dog.cancel(false)) {
      try {
        dog.get();
      } catch (Exception ignored) {
        // the watchdog's own failure is handled by recycling
      }
    }
  }

  /** The watchdog: interrupt the run, or cancel the context when interrupting takes too long. */
  private void stop(Slot s) {
    s.stopped = true;
    try {
      s.context.interrupt(interruptGrace);
    } catch (TimeoutException | RuntimeException e) {
      LOG.log(Level.DEBUG, "interrupt did not stop the run in time; cancelling the context");
      closeQuietly(s.context);
    }
  }

  private Slot acquire() {
    long deadline = System.nanoTime() + acquireTimeout.toNanos();
    while (true) {
      RuntimeException f = fatal;
      if (f != null && idle.isEmpty()) {
        throw f;
      }
      if (closed) {
        throw new IllegalStateException("verifier is closed");
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "no GraalPy context became ready within " + acquireTimeout.toSeconds() + " s");
      }
      try {
        Slot s =
            idle.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        if (s != null) {
          return s;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a GraalPy context", e);
      }
    }
  }

  private void release(Slot s, boolean recycle) {
    if (!recycle && !closed) {
      idle.offer(s);
      return;
    }
    live.remove(s);
    if (closed) {
      closeQuietly(s.context);
      return;
    }
    recycled.incrementAndGet();
    warmer.execute(
        () -> {
          closeQuietly(s.context);
          addFresh();
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    warmer.shutdownNow();
    watchdog.shutdownNow();
    for (Slot s : live) {
      closeQuietly(s.context);
    }
    live.clear();
    idle.clear();
  }

  /** The process-wide engine: contexts of every verifier share its code and warm-up. */
  static final class SharedEngine {
    private static volatile Engine engine;

    private SharedEngine() {}

    static Engine get() {
      Engine e = engine;
      if (e == null) {
        synchronized (SharedEngine.class) {
          e = engine;
          if (e == null) {
            e =
                Engine.newBuilder("python")
                    .option("engine.WarnInterpreterOnly", "false")
                    .out(OutputStream.nullOutputStream())
                    .err(System.err)
                    .build();
            engine = e;
          }
        }
      }
      return e;
    }
  }
}
