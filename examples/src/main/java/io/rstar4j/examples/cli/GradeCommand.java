package io.rstar4j.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import io.rstar4j.verify.GraalPyVerifier;
import io.rstar4j.verify.grade.Explanation;
import io.rstar4j.verify.grade.MathGrader;
import io.rstar4j.verify.grade.SymbolicBackend;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar grade}: grades answer pairs. Reads JSON lines {@code {"gold": ..., "pred": ...}} on
 * stdin (gold a string, a number or a list of them, any element accepted) and writes one line
 * {@code {"equal": true|false}} per input line, in order; a malformed line gives {@code {"equal":
 * false, "error": "..."}} on its line. With {@code --explain} each line also carries how each side
 * was read and the rules that decided ({@link MathGrader#explain}).
 */
@Command(
    name = "grade",
    description = {
      "grade {gold, pred} JSON lines from stdin with the MATH answer grader",
      "",
      "Reads one JSON object {\"gold\": ..., \"pred\": ...} per line on stdin. gold is a string, a"
          + " number or a list of them (the prediction may match any element); pred is a string or"
          + " a number; both may hold a whole solution, whose last \\boxed{} is taken. Writes one"
          + " line {\"equal\": true|false} per input line, in order; a malformed line gives"
          + " {\"equal\": false, \"error\": \"...\"} and the run goes on."
    })
public final class GradeCommand implements RstarCommand {

  @Option(
      names = "--strict",
      arity = "0",
      description =
          "the reference implementation's rules (math_equal after strip_string), false positives"
              + " included, to reproduce published numbers")
  boolean strict;

  @Option(
      names = "--tolerance",
      paramLabel = "REL",
      defaultValue = "1e-4",
      description =
          "relative tolerance when either number is written as a decimal (default"
              + " ${DEFAULT-VALUE}); numbers written exactly agree to 1e-9")
  double tolerance;

  @Option(
      names = "--explain",
      arity = "0",
      description =
          "add why to each line: {\"equal\": ..., \"gold\": {\"kind\": ..., \"normalized\": ...},"
              + " \"pred\": {...}, \"rule\": ..., \"path\": [...]}, how each side was read and the"
              + " rules that decided; a list gold adds \"gold_index\", the element explained (the"
              + " first equal one, else 0)")
  boolean explain;

  @Option(
      names = "--python-path",
      paramLabel = "DIR",
      description =
          "decide the pairs the Java checks cannot with sympy, imported from DIR (e.g."
              + " /usr/lib/python3/dist-packages)")
  String pythonPath;

  @Option(
      names = "--sympy-backend",
      paramLabel = "cpython|graalpy",
      description =
          "where sympy runs: cpython (default), a python3 worker process that imports sympy in"
              + " about a second; graalpy, the in-process GraalPy sandbox (no python3 needed, but"
              + " importing sympy there takes 25-60 s before the first symbolic check, so it suits"
              + " long runs only; DIR must hold a pure-Python sympy and mpmath, e.g. Debian's"
              + " python3-sympy in /usr/lib/python3/dist-packages)")
  String sympyBackend;

  @Option(
      names = "--sympy-timeout",
      paramLabel = "MS",
      defaultValue = "10000",
      description = "time limit of one sympy check (default ${DEFAULT-VALUE})")
  int sympyTimeout;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    double tol = tolerance;
    if (sympyTimeout <= 0) {
      throw new UsageException("--sympy-timeout must be positive");
    }
    String backend = sympyBackend != null ? sympyBackend : "cpython";
    if (!backend.equals("cpython") && !backend.equals("graalpy")) {
      throw new UsageException("--sympy-backend must be cpython or graalpy, was '" + backend + "'");
    }
    if (sympyBackend != null && pythonPath == null) {
      throw new UsageException("--sympy-backend needs --python-path DIR (where sympy is)");
    }
    MathGrader.Builder builder;
    try {
      builder = MathGrader.builder().strictReference(strict).relativeTolerance(tol);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Verifier worker = null;
    if (pythonPath != null) {
      Path dir = Path.of(pythonPath);
      if (!Files.isDirectory(dir)) {
        throw new UsageException("--python-path " + dir + " is not a directory");
      }
      if (backend.equals("graalpy")) {
        err.println(
            "rstar grade: warming the GraalPy sandbox with sympy from "
                + dir
                + " in the background (25-60 s before the first symbolic check)");
        GraalPyVerifier.Builder gb;
        try {
          gb =
              GraalPyVerifier.builder()
                  .poolSize(1)
                  .pythonPath(dir)
                  .timeout(Duration.ofMillis(sympyTimeout))
                  .acquireTimeout(Duration.ofMinutes(5));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
        worker = gb.build();
      } else {
        worker = new PythonWorker(dir, Duration.ofMillis(sympyTimeout));
      }
      builder.symbolicBackend(SymbolicBackend.sympy(worker));
    }
    try {
      return grade(builder.build(), in, out, err);
    } finally {
      if (worker != null) {
        worker.close();
      }
    }
  }

  private int grade(MathGrader grader, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    JsonLines.LineReader lines =
        JsonLines.reader(
            new InputStreamReader(in, StandardCharsets.UTF_8), "<stdin>", JsonLines.Breaks.ANY);
    long errors = 0;
    for (JsonLines.Line line; (line = lines.next()) != null; ) {
      long lineNo = line.number();
      String result;
      try {
        result = grade(grader, line, explain);
      } catch (JsonLines.LineException e) {
        errors++;
        String msg = "line " + lineNo + ": " + e.reason();
        result = "{\"equal\": false, \"error\": " + new JsonPrimitive(msg) + "}";
      } catch (IllegalArgumentException | IllegalStateException e) {
        errors++;
        String msg = "line " + lineNo + ": " + e.getMessage();
        result = "{\"equal\": false, \"error\": " + new JsonPrimitive(msg) + "}";
      } catch (RuntimeException | StackOverflowError e) {
        errors++;
        String msg = "line " + lineNo + ": grading failed: " + e;
        result = "{\"equal\": false, \"error\": " + new JsonPrimitive(msg) + "}";
      }
      out.println(result);
      out.flush();
    }
    if (errors > 0) {
      err.println("rstar grade: " + errors + " of " + lines.count() + " lines could not be graded");
    }
    return 0;
  }

  private static String grade(MathGrader grader, JsonLines.Line line, boolean explain) {
    if (line.isBlank()) {
      throw line.error("empty line, expected {\"gold\": ..., \"pred\": ...}");
    }
    JsonObject o = line.object("{\"gold\": ..., \"pred\": ...}");
    if (!o.has("gold")) {
      throw new IllegalArgumentException("missing field \"gold\"");
    }
    if (!o.has("pred")) {
      throw new IllegalArgumentException("missing field \"pred\"");
    }
    String pred = scalar(o.get("pred"), "pred");
    JsonElement g = o.get("gold");
    if (g.isJsonArray()) {
      JsonArray arr = g.getAsJsonArray();
      if (arr.isEmpty()) {
        throw new IllegalArgumentException("\"gold\" is an empty list");
      }
      List<String> golds = new ArrayList<>(arr.size());
      for (JsonElement e : arr) {
        golds.add(scalar(e, "gold element"));
      }
      if (explain) {
        for (int i = 0; i < golds.size(); i++) {
          Explanation x = grader.explain(golds.get(i), pred);
          if (x.equal()) {
            return explanation(x, i);
          }
        }
        return explanation(grader.explain(golds.get(0), pred), 0);
      }
      return verdict(grader.matchesAny(pred, golds));
    }
    String gold = scalar(g, "gold");
    return explain
        ? explanation(grader.explain(gold, pred), -1)
        : verdict(grader.equivalent(pred, gold));
  }

  private static String verdict(boolean equal) {
    return equal ? "{\"equal\": true}" : "{\"equal\": false}";
  }

  /** The line of {@code --explain}; {@code goldIndex} the element of a list gold, else -1. */
  private static String explanation(Explanation x, int goldIndex) {
    StringBuilder sb = new StringBuilder("{\"equal\": ").append(x.equal());
    sb.append(", \"gold\": ").append(reading(x.gold()));
    sb.append(", \"pred\": ").append(reading(x.pred()));
    sb.append(", \"rule\": ").append(new JsonPrimitive(x.rule()));
    sb.append(", \"path\": [");
    for (int i = 0; i < x.path().size(); i++) {
      sb.append(i > 0 ? ", " : "").append(new JsonPrimitive(x.path().get(i)));
    }
    sb.append(']');
    if (goldIndex >= 0) {
      sb.append(", \"gold_index\": ").append(goldIndex);
    }
    return sb.append('}').toString();
  }

  private static String reading(Explanation.Reading r) {
    return "{\"kind\": "
        + new JsonPrimitive(r.kind())
        + ", \"normalized\": "
        + new JsonPrimitive(r.normalized())
        + "}";
  }

  private static String scalar(JsonElement e, String what) {
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("\"" + what + "\" is null");
    }
    if (!e.isJsonPrimitive()) {
      throw new IllegalArgumentException("\"" + what + "\" must be a string or a number");
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      throw new IllegalArgumentException("\"" + what + "\" must be a string or a number");
    }
    return p.getAsString();
  }

  /**
   * A {@link Verifier} on one persistent {@code python3} worker (JSON lines over stdin/stdout),
   * enough for the grader's sympy checks; restarted after a timeout. {@code --sympy-backend
   * graalpy} runs them in the GraalPy sandbox instead.
   */
  static final class PythonWorker implements Verifier {
    private static final String LOOP =
        String.join(
            "\n",
            "import sys, json, io, contextlib",
            "sys.path.insert(0, sys.argv[1])",
            "for line in sys.stdin:",
            "    buf = io.StringIO()",
            "    try:",
            "        with contextlib.redirect_stdout(buf):",
            "            exec(compile(json.loads(line), '<grade>', 'exec'), {'__name__': '__grade__'})",
            "        res = {'ok': True, 'out': buf.getvalue()}",
            "    except BaseException as e:",
            "        res = {'ok': False, 'out': type(e).__name__ + ': ' + str(e)}",
            "    sys.stdout.write(json.dumps(res) + '\\n')",
            "    sys.stdout.flush()",
            "");

    private final Path dir;
    private final Duration timeout;
    private final ExecutorService reader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "grade-python-reader");
              t.setDaemon(true);
              return t;
            });
    private Process process;
    private BufferedWriter stdin;
    private BufferedReader stdout;

    PythonWorker(Path dir, Duration timeout) {
      this.dir = dir;
      this.timeout = timeout;
    }

    @Override
    public synchronized ExecutionOutcome execute(String program) {
      long t0 = System.nanoTime();
      try {
        if (process == null || !process.isAlive()) {
          start();
        }
        stdin.write(new JsonPrimitive(program).toString());
        stdin.write('\n');
        stdin.flush();
        Future<String> line = reader.submit(stdout::readLine);
        String reply = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
          stop();
          return new ExecutionOutcome.Error("RuntimeError: python3 worker exited", since(t0));
        }
        JsonObject o = JsonParser.parseString(reply).getAsJsonObject();
        String text = o.get("out").getAsString();
        return o.get("ok").getAsBoolean()
            ? new ExecutionOutcome.Output(text.strip(), since(t0))
            : new ExecutionOutcome.Error(text, since(t0));
      } catch (TimeoutException e) {
        stop();
        return new ExecutionOutcome.Timeout(timeout, since(t0));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        return new ExecutionOutcome.Error("InterruptedError", since(t0));
      } catch (Exception e) {
        stop();
        return new ExecutionOutcome.Error("OSError: " + e.getMessage(), since(t0));
      }
    }

    private void start() throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder("python3", "-u", "-c", LOOP, dir.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("PYTHONPATH", dir.toString());
      process = pb.start();
      stdin =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private void stop() {
      if (process != null) {
        process.destroyForcibly();
        process = null;
      }
    }

    private static Duration since(long t0) {
      return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public synchronized void close() {
      stop();
      reader.shutdownNow();
    }
  }
}
