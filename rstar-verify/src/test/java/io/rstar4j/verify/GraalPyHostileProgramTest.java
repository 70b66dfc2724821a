package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs a hostile user would try. Each must come back as an error, refusal or timeout within its
 * limit, the host must be unchanged, and the pool must keep working afterwards.
 */
class GraalPyHostileProgramTest {
  static final Duration TIMEOUT = Duration.ofMillis(700);

  /** The run's own time: the limit plus the watchdog's grace and slack on a loaded machine. */
  static final Duration WITHIN = Duration.ofSeconds(3);

  /** Wall time including waiting for a replacement context to warm after a recycle. */
  static final Duration WALL = Duration.ofSeconds(90);

  static GraalPyVerifier verifier;
  static final AtomicInteger checks = new AtomicInteger();

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    verifier = GraalPyVerifier.builder().poolSize(2).timeout(TIMEOUT).build();
    assertTrue(verifier.awaitReady(Duration.ofMinutes(2)));
  }

  @AfterAll
  static void stop() {
    verifier.close();
  }

  /** After every hostile program the pool still answers correctly, from every context. */
  @AfterEach
  void poolStillWorks() {
    for (int i = 0; i < 3; i++) {
      int n = checks.incrementAndGet();
      ExecutionOutcome o = verifier.execute("print(" + n + " * 3)");
      assertEquals(new ExecutionOutcome.Output(String.valueOf(n * 3), o.elapsed()), o);
    }
  }

  static ExecutionOutcome run(String program) {
    long t0 = System.nanoTime();
    ExecutionOutcome o = verifier.execute(program);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(o.elapsed().compareTo(WITHIN) < 0, () -> program + " ran for " + o.elapsed());
    assertTrue(took.compareTo(WALL) < 0, () -> program + " took " + took);
    assertFalse(o instanceof ExecutionOutcome.Output, () -> program + " -> " + o);
    assertTrue(o.isError(), () -> "counts as a code error: " + o);
    return o;
  }

  static void assertRefusedOrError(ExecutionOutcome o, String expectedFragment) {
    assertTrue(
        o instanceof ExecutionOutcome.Refused || o instanceof ExecutionOutcome.Error,
        () -> "refused or error: " + o);
    assertTrue(
        o.text().contains(expectedFragment),
        () -> o.text() + " should mention " + expectedFragment);
  }

  @Test
  void readingAFileIsRefused() throws IOException {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "top secret");
    ExecutionOutcome o = run("print(open(" + pyString(secret) + ").read())");
    assertRefusedOrError(o, "PermissionError");
    assertFalse(o.text().contains("top secret"));
    ExecutionOutcome viaIo = run("import io\nprint(io.open(" + pyString(secret) + ").read())");
    assertFalse(viaIo.text().contains("top secret"));
    ExecutionOutcome viaPath =
        run("import pathlib\nprint(pathlib.Path(" + pyString(secret) + ").read_text())");
    assertFalse(viaPath.text().contains("top secret"));
  }

  @Test
  void writingAFileChangesNothing() {
    Path target = tmp.resolve("written.txt");
    run("f = open(" + pyString(target) + ", 'w')\nf.write('x')\nf.close()");
    run("import io\nio.open(" + pyString(target) + ", 'w').write('x')");
    run("import os\nos.mkdir(" + pyString(tmp.resolve("dir")) + ")");
    run("import os\nos.remove(" + pyString(tmp) + ")");
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(tmp.resolve("dir")));
    assertTrue(Files.isDirectory(tmp));
  }

  @Test
  void socketsAreRefused() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(200);
      ExecutionOutcome o =
          run(
              "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', "
                  + server.getLocalPort()
                  + "))\nprint('connected')");
      assertRefusedOrError(o, "socket");
      ExecutionOutcome viaCreate =
          run(
              "import socket\nsocket.create_connection(('127.0.0.1', "
                  + server.getLocalPort()
                  + "))");
      assertRefusedOrError(viaCreate, "socket");
      try (Socket accepted = server.accept()) {
        throw new AssertionError("the sandbox connected to the host: " + accepted);
      } catch (java.net.SocketTimeoutException expected) {
        // nobody connected
      }
    }
  }

  @Test
  void processesAreRefused() {
    Path marker = tmp.resolve("spawned");
    assertRefusedOrError(
        run("import subprocess\nsubprocess.run(['touch', " + pyString(marker) + "])"),
        "PermissionError");
    assertRefusedOrError(run("import os\nos.system('touch " + marker + "')"), "PermissionError");
    assertRefusedOrError(run("import os\nos.fork()"), "fork"); // refused, or absent (GraalPy)
    assertFalse(Files.exists(marker));
  }

  @Test
  void javaAndPolyglotAreRefused() {
    assertRefusedOrError(run("import java\nprint(java.type('java.lang.System'))"), "java");
    assertRefusedOrError(
        run("import polyglot\nprint(polyglot.eval(language='js', string='1'))"), "polyglot");
    assertRefusedOrError(
        run("import importlib\nimportlib.import_module('java').type('java.lang.Runtime')"), "java");
    assertRefusedOrError(run("__import__('java')"), "java");
  }

  @Test
  void threadsAreRefused() {
    assertRefusedOrError(
        run("import threading\nt = threading.Thread(target=print)\nt.start()\nt.join()"),
        "PermissionError");
  }

  @Test
  void environmentIsEmpty() {
    // not an error: the program runs, but sees no host environment variables
    ExecutionOutcome o =
        verifier.execute("import os\nprint(os.getenv('PATH'), os.environ.get('HOME'))");
    assertEquals("None None", o.text());
  }

  @Test
  void exitingIsAnError() {
    assertEquals("SystemExit: 3", run("import sys\nsys.exit(3)").text());
    assertRefusedOrError(run("import os\nos._exit(3)"), "_exit");
    assertRefusedOrError(run("raise SystemExit(9)"), "SystemExit");
    assertRefusedOrError(run("import os\nos.abort()"), "abort");
  }

  @Test
  void infiniteRecursionIsARecursionError() {
    ExecutionOutcome o = run("def f(n):\n    return f(n + 1)\nf(0)");
    assertTrue(o.text().startsWith("RecursionError"), o::text);
  }

  @Test
  void unboundedAllocationEndsWithinItsLimit() {
    ExecutionOutcome big = run("x = [0] * (10 ** 12)");
    assertRefusedOrError(big, "Error");
    run("s = 'ab'\nwhile True:\n    s = s + s");
    run("chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))");
  }

  @Test
  void megabytesOfPrintAreCapped() {
    ExecutionOutcome o = run("print('x' * (3 * 1024 * 1024))");
    assertInstanceOf(ExecutionOutcome.Refused.class, o);
    assertTrue(o.text().contains("OutputLimitExceeded"), o::text);
    ExecutionOutcome loop = run("while True:\n    print('spam' * 1000)");
    assertTrue(
        loop instanceof ExecutionOutcome.Refused || loop instanceof ExecutionOutcome.Timeout,
        loop::toString);
    ExecutionOutcome caught =
        run("try:\n    print('y' * (2 << 20))\nexcept BaseException:\n    pass\nprint('done')");
    assertInstanceOf(ExecutionOutcome.Refused.class, caught);
  }

  @Test
  void longSleepTimesOut() {
    ExecutionOutcome o = run("import time\ntime.sleep(600)");
    assertEquals(new ExecutionOutcome.Timeout(TIMEOUT, o.elapsed()), o);
    assertTrue(o.elapsed().compareTo(TIMEOUT) >= 0);
  }

  @Test
  void busyLoopTimesOut() {
    ExecutionOutcome o = run("while True: pass");
    assertInstanceOf(ExecutionOutcome.Timeout.class, o);
    ExecutionOutcome caught =
        run("while True:\n    try:\n        pass\n    except BaseException:\n        pass");
    assertInstanceOf(ExecutionOutcome.Timeout.class, caught);
  }

  @Test
  void signalHandlersOfTheHostCannotChange() {
    assertRefusedOrError(
        run("import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)"), "signal");
    assertRefusedOrError(run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), "kill");
    assertRefusedOrError(run("import signal\nsignal.raise_signal(signal.SIGQUIT)"), "signal");
  }

  @Test
  void inputIsRefused() {
    assertRefusedOrError(run("x = input()"), "input");
    assertRefusedOrError(run("import sys\nsys.stdin.read()"), "stdin");
  }

  @Test
  void tamperingWithBuiltinsDoesNotLeak() {
    verifier.execute("import builtins\nbuiltins.print = None\nbuiltins.len = None");
    verifier.execute("__builtins__.abs = lambda x: 42");
    for (int i = 0; i < 4; i++) {
      assertEquals("3 5", verifier.execute("print(len('abc'), abs(-5))").text());
    }
  }

  @Test
  void tamperingWithTheRunnerThroughFramesDoesNotLeak() {
    long recycledBefore = verifier.stats().contextsRecycled();
    verifier.execute(
        "import sys\nf = sys._getframe().f_back\nf.f_globals['_TRUNCATE'] = 5\n"
            + "f.f_globals['_DENIED_IMPORTS'] = frozenset()");
    for (int i = 0; i < 4; i++) {
      assertEquals(512 + 3 + 512, verifier.execute("print('z' * 2000)").text().length());
    }
    assertTrue(verifier.stats().contextsRecycled() > recycledBefore);
  }

  @Test
  void changingSharedModulesDoesNotLeak() {
    verifier.execute("import math\nmath.pi = 3");
    verifier.execute("import sys\nsys.path.clear()");
    verifier.execute("import sys\nsys.modules.pop('fractions', None)\nsys.modules.pop('math')");
    for (int i = 0; i < 4; i++) {
      assertEquals("3.1416", verifier.execute("import math\nprint(math.pi)").text());
      assertEquals(
          "1/2", verifier.execute("import fractions\nprint(fractions.Fraction(1, 2))").text());
      assertEquals(
          "3", verifier.execute("import statistics\nprint(statistics.median([1, 3, 5]))").text());
    }
    verifier.execute("import decimal\ndecimal.getcontext().prec = 2");
    assertEquals( // 28 digits, rounded to 4 decimals by the output rule; "0.33" if prec leaked
        "0.3333",
        verifier.execute("import decimal\nprint(decimal.Decimal(1) / decimal.Decimal(3))").text());
  }

  private static String pyString(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
