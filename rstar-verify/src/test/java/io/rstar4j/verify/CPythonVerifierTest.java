package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPython worker pool: same semantics as GraalPy, hostile programs, worker replacement. */
class CPythonVerifierTest {
  static final Duration TIMEOUT = Duration.ofMillis(700);
  static CPythonVerifier verifier;
  static int check;

  @TempDir static Path tmp;

  static boolean hasPython() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import resource").start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(hasPython(), "python3 is not installed");
    verifier = CPythonVerifier.builder().workers(2).timeout(TIMEOUT).build();
  }

  @AfterAll
  static void stop() {
    if (verifier != null) {
      verifier.close();
    }
  }

  @AfterEach
  void poolStillWorks() {
    for (int i = 0; i < 3; i++) {
      check++;
      assertEquals(String.valueOf(check * 7), verifier.execute("print(" + check + " * 7)").text());
    }
  }

  static ExecutionOutcome bad(String program) {
    ExecutionOutcome o = verifier.execute(program);
    assertFalse(o instanceof ExecutionOutcome.Output, () -> program + " -> " + o);
    assertTrue(o.elapsed().compareTo(Duration.ofSeconds(5)) < 0, () -> program + " " + o);
    return o;
  }

  @Test
  void closingAfterAShortRunWarnsOfNothing() throws Exception {
    java.util.logging.Logger jul =
        java.util.logging.Logger.getLogger(CPythonVerifier.class.getName());
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler h =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(h);
    try {
      for (int i = 0; i < 3; i++) {
        CPythonVerifier v = CPythonVerifier.builder().workers(4).build();
        v.execute("print(1)");
        v.close(); // the other workers are still starting
      }
      Thread.sleep(1_500);
      assertEquals(java.util.List.of(), warnings, "no false 'not ready within 60 s'");
    } finally {
      jul.removeHandler(h);
    }
  }

  @Test
  void sameOutputSemanticsAsGraalPy() {
    assertEquals("858", verifier.execute("v1 = 33 * 26\nprint(v1)").text());
    assertEquals("7", verifier.execute("x = 3\nx + 4").text());
    assertEquals("", verifier.execute("x = 5").text());
    assertEquals("0.3333", verifier.execute("print(1/3)").text());
    assertEquals("84000.0", verifier.execute("print(84000.0)").text());
    assertEquals(
        "a".repeat(512) + "..." + "b".repeat(512),
        verifier.execute("print('a' * 600 + 'b' * 600)").text());
    assertEquals(
        new ExecutionOutcome.Error("ZeroDivisionError: division by zero", Duration.ZERO).text(),
        verifier.execute("1/0").text());
    assertInstanceOf(ExecutionOutcome.Error.class, verifier.execute("1/0"));
    assertEquals("SyntaxError: invalid syntax", verifier.execute("x = = 1").text());
    assertEquals("SystemExit: 4", verifier.execute("import sys\nsys.exit(4)").text());
    assertEquals("SystemExit: None", verifier.execute("exit()").text());
    assertEquals(
        "MyError: boom",
        verifier.execute("class MyError(Exception): pass\nraise MyError('boom')").text());
  }

  @Test
  void sympyWorksWhenInstalledAndIsPreloaded() {
    ExecutionOutcome has = verifier.execute("import sys\nprint('sympy' in sys.modules)");
    assumeTrue(has.text().equals("True"), "sympy is not installed for python3");
    ExecutionOutcome o =
        verifier.execute("import sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(x**2 - 4, x))");
    assertEquals("[-2, 2]", o.text(), o::toString);
    assertInstanceOf(
        ExecutionOutcome.Refused.class, verifier.execute("import ctypes\nctypes.CDLL(None)"));
  }

  @Test
  void freshNamespaceEachRun() {
    verifier.execute("leaked = 1");
    for (int i = 0; i < 4; i++) {
      assertEquals("NameError: name 'leaked' is not defined", verifier.execute("leaked").text());
    }
  }

  @Test
  void hostileProgramsAreStopped() throws IOException {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "top secret");
    Path target = tmp.resolve("written.txt");
    assertFalse(bad("print(open('" + secret + "').read())").text().contains("top secret"));
    assertFalse(bad("import io\nprint(io.open('" + secret + "').read())").text().contains("top"));
    bad("open('" + target + "', 'w').write('x')");
    bad("import os\nos.system('touch " + target + "')");
    bad("import subprocess\nsubprocess.run(['touch', '" + target + "'])");
    bad("import os\nos._exit(3)");
    bad("import os\nos.remove('" + secret + "')");
    assertFalse(Files.exists(target));
    assertTrue(Files.exists(secret));
    assertTrue(bad("def f(n):\n    return f(n + 1)\nf(0)").text().startsWith("RecursionError"));
    assertTrue(bad("x = [0] * (10 ** 10)").text().startsWith("MemoryError"));
    bad("chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))");
    assertInstanceOf(ExecutionOutcome.Refused.class, bad("print('x' * (3 << 20))"));
    assertInstanceOf(ExecutionOutcome.Refused.class, bad("x = input()"));
    assertInstanceOf(ExecutionOutcome.Timeout.class, bad("while True: pass"));
    assertInstanceOf(ExecutionOutcome.Timeout.class, bad("import time\ntime.sleep(600)"));
    assertEquals(
        "None None",
        verifier.execute("import os\nprint(os.getenv('PATH'), os.getenv('HOME'))").text());
  }

  @Test
  void socketsAreRefused() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(200);
      ExecutionOutcome o =
          bad(
              "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', "
                  + server.getLocalPort()
                  + "))");
      assertTrue(o.text().contains("socket"), o::text);
      try (Socket accepted = server.accept()) {
        throw new AssertionError("the worker connected to the host: " + accepted);
      } catch (java.net.SocketTimeoutException expected) {
        // nobody connected
      }
    }
  }

  @Test
  void protocolCannotBeDisturbed() {
    bad("import sys\nsys.stdin.read()");
    verifier.execute("import sys\nsys.__stdout__.write('{\"id\": 999}\\n')\nprint(1)");
    verifier.execute("import os\nprint(os.write(1, b'garbage\\n'))");
  }

  @Test
  void tamperingWithTheRunnerReplacesTheWorker() {
    long before = verifier.stats().workersReplaced();
    verifier.execute("import sys\nsys._getframe().f_back.f_globals['_TRUNCATE'] = 5");
    for (int i = 0; i < 4; i++) {
      assertEquals(512 + 3 + 512, verifier.execute("print('z' * 2000)").text().length());
    }
    assertTrue(verifier.stats().workersReplaced() > before);
  }

  @Test
  void changingSharedModulesDoesNotLeak() {
    verifier.execute("import math\nmath.pi = 3");
    verifier.execute("import sys\nsys.path.clear()");
    verifier.execute("import decimal\ndecimal.getcontext().prec = 2");
    for (int i = 0; i < 4; i++) {
      assertEquals("3.1416", verifier.execute("import math\nprint(math.pi)").text());
      assertEquals(
          "1/2", verifier.execute("import fractions\nprint(fractions.Fraction(1, 2))").text());
      assertEquals(
          "0.3333", verifier.execute("import decimal\nprint(decimal.Decimal(1) / 3)").text());
    }
  }

  @Test
  void executeStepsRunsTheRoundConcurrentlyInOrder() {
    // 8 steps sleeping 250 ms each: 2 s one by one, about half of it on the two workers
    List<Verifier.StepInContext> steps = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      Trajectory before =
          new Trajectory(
              List.of(StepFormat.parse("<code>\n# Step 1\na = " + k + "\n<end_of_step>")));
      Step step =
          StepFormat.parse(
              "\n# Step 2\nimport time\ntime.sleep(0.25)\nprint(a * 10)\n<end_of_step>");
      steps.add(new Verifier.StepInContext(before, step));
    }
    steps.add(
        new Verifier.StepInContext(
            Trajectory.empty(), StepFormat.parse("<code>\nprint(a)\n<end_of_step>")));
    verifier.executeSteps(steps); // once untimed: the second worker starts in the background
    long t0 = System.nanoTime();
    List<ExecutionOutcome> out = verifier.executeSteps(steps);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertEquals(steps.size(), out.size());
    for (int k = 0; k < 8; k++) {
      assertEquals(String.valueOf(k * 10), out.get(k).text(), () -> out.toString());
      assertInstanceOf(ExecutionOutcome.Output.class, out.get(k));
    }
    assertEquals("NameError: name 'a' is not defined", out.get(8).text());
    assertTrue(took.compareTo(Duration.ofMillis(1_750)) < 0, () -> "not concurrent: " + took);
  }

  @Test
  void executeAllKeepsOrder() {
    List<String> programs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      programs.add(i == 4 ? "while True: pass" : "print(" + i + ")");
    }
    List<ExecutionOutcome> out = verifier.executeAll(programs);
    for (int i = 0; i < 10; i++) {
      if (i == 4) {
        assertInstanceOf(ExecutionOutcome.Timeout.class, out.get(i));
      } else {
        assertEquals(String.valueOf(i), out.get(i).text());
      }
    }
  }

  @Test
  void aMissingExecutableFailsAtBuild() {
    assertThrows(
        IOException.class,
        () -> CPythonVerifier.builder().python("/no/such/python3-rstar4j").build());
    assertThrows(IllegalArgumentException.class, () -> CPythonVerifier.builder().workers(0));
    assertThrows(IllegalArgumentException.class, () -> CPythonVerifier.builder().memoryBytes(1));
  }
}
