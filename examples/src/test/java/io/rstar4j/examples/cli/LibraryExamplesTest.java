package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.examples.EvalExample;
import io.rstar4j.examples.SolveExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library examples, run as a user would against a local policy server. */
class LibraryExamplesTest {
  @TempDir Path dir;

  static String capture(ThrowingRunnable r) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void solveOneQuestionAndEvaluateASliceWithTwoMethods() throws Exception {
    try (ArithmeticServer server = new ArithmeticServer()) {
      Path html = dir.resolve("tree.html");
      String solved =
          capture(
              () ->
                  SolveExample.main(
                      new String[] {
                        "What is 20 + 22?",
                        "8",
                        "--html",
                        html.toString(),
                        "--server",
                        server.url(),
                        "arith",
                        "--cpython"
                      }));
      assertTrue(solved.contains("answer: "), solved);
      assertTrue(solved.contains("=> "), "executed outputs are shown: " + solved);
      assertTrue(solved.contains("search: 8 rollouts"), solved);
      assertTrue(Files.readString(html).contains("What is 20 + 22?"));

      Path bench = dir.resolve("arith.json");
      Files.writeString(
          bench,
          "[{\"index\": 1, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"},"
              + " {\"index\": 2, \"question\": \"What is 4 + 5?\", \"answer\": \"9\"}]");
      String eval =
          capture(
              () ->
                  EvalExample.main(
                      new String[] {
                        bench.toString(), "2", "3", "--server", server.url(), "arith", "--cpython"
                      }));
      assertTrue(eval.contains("best-of-n:majority@3"), eval);
      assertTrue(eval.contains("mcts@3"), eval);
      assertTrue(eval.contains("/2 = "), eval);
    }
  }
}
