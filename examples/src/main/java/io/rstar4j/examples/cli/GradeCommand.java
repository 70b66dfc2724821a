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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code rstar grade}: grades answer pairs. Reads JSON lines {@code {"gold": ..., "pred": ...}} on
 * stdin (gold a string, a number or a list of them, any element accepted) and writes one line
 * {@code {"equal": true|false}} per input line, in order; a malformed line gives {@code {"equal":
 * false, "error": "..."}} on its line. With {@code --explain} each line also carries how each side
 * was read and the rules that decided ({@link MathGrader#explain}).
 */
public final class GradeCommand implements Command {

  @Override
  public String name() {
    return "grade";
  }

  @Override
  public String summary() {
    return "grade {gold, pred} JSON lines from stdin with the MATH answer grader";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar grade [--strict] [--tolerance REL] [--explain]",
        "                   [--python-path DIR [--sympy-backend cpython|graalpy]"
            + " [--sympy-timeout MS]]",
        "                   < pairs.jsonl",
        "",
        "Reads one JSON object {\"gold\": ..., \"pred\": ...} per line on stdin. gold is a string,",
        "a number or a list of them (the prediction may match any element); pred is a string or a",
        "number; both may hold a whole solution, whose last \\boxed{} is taken. Writes one line",
        "{\"equal\": true|false} per input line, in order; a malformed line gives",
        "{\"equal\": false, \"error\": \"...\"} and the run goes on.",
        "",
        "options:",
        "  --strict          the reference implementation's rules (math_equal after strip_string),",
        "                    false positives included, to reproduce published numbers",
        "  --tolerance REL   relative tolerance when either number is written as a decimal",
        "                    (default 1e-4); numbers written exactly agree to 1e-9",
        "  --explain         add why to each line: {\"equal\": ..., \"gold\": {\"kind\": ...,",
        "                    \"normalized\": ...}, \"pred\": {...}, \"rule\": ..., \"path\": [...]}",
        "                    (how each side was read and the rules that decided; a list gold adds",
        "                    \"gold_index\", the element explained: the first equal one, else 0)",
        "  --python-path DIR decide the pairs the Java checks cannot with sympy, imported from DIR",
        "                    (e.g. /usr/lib/python3/dist-packages)",
        "  --sympy-backend cpython|graalpy",
        "                    where sympy runs: cpython (default), a python3 worker process that",
        "                    imports sympy in about a second; graalpy, the in-process GraalPy",
        "                    sandbox (no python3 needed, but importing sympy there takes 25-60 s",
        "                    before the first symbolic check, so it suits long runs only; DIR",
        "                    must hold a pure-Python sympy and mpmath, e.g. Debian's",
        "                    python3-sympy in /usr/lib/python3/dist-packages)",
        "  --sympy-timeout MS  time limit of one sympy check (default 10000)");
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Args a =
        Args.parse(
            args,
            Set.of("tolerance", "python-path", "sympy-timeout", "sympy-backend"),
            Set.of("strict", "explain"));
    if (!a.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    double tol = a.getDouble("tolerance", 1e-4);
    int sympyTimeout = a.getInt("sympy-timeout", 10_000);
    if (sympyTimeout <= 0) {
      throw new UsageException("--sympy-timeout must be positive");
    }
    String backend = a.get("sympy-backend", "cpython");
    if (!backend.equals("cpython") && !backend.equals("graalpy")) {
      throw new UsageException("--sympy-backend must be cpython or graalpy, was '" + backend + "'");
    }
    if (a.has("sympy-backend") && !a.has("python-path")) {
      throw new UsageException("--sympy-backend needs --python-path DIR (where sympy is)");
    }
    MathGrader.Builder builder;
    try {
      builder = MathGrader.builder().strictReference(a.has("strict")).relativeTolerance(tol);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Verifier worker = null;
    if (a.has("python-path")) {
      Path dir = Path.of(a.get("python-path", ""));
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
      return grade(builder.build(), a.has("explain"), in, out, err);
    } finally {
      if (worker != null) {
        worker.close();
      }
    }
  }

  private int grade(
      MathGrader grader, boolean explain, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    long lineNo = 0;
    long errors = 0;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      String result;
      try {
        result = grade(grader, line, explain);
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
      err.println("rstar grade: " + errors + " of " + lineNo + " lines could not be graded");
    }
    return 0;
  }

  private static String grade(MathGrader grader, String line, boolean explain) {
    if (line.isBlank()) {
      throw new IllegalArgumentException("empty line, expected {\"gold\": ..., \"pred\": ...}");
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(line);
    } catch (RuntimeException e) {
      Throwable why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
      String msg =
          firstLine(why.getMessage())
              .replaceFirst(
                  "^Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept malformed JSON",
                  "malformed JSON");
      throw new IllegalArgumentException("not valid JSON: " + msg);
    }
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException("expected a JSON object {\"gold\": ..., \"pred\": ...}");
    }
    JsonObject o = root.getAsJsonObject();
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

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
