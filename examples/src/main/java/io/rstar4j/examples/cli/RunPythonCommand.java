package io.rstar4j.examples.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.verify.GraalPyVerifier;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar run-python}: runs Python programs in the GraalPy sandbox and prints each outcome as
 * one JSON line {@code {"kind", "output", "error", "millis"}}.
 */
@Command(
    name = "run-python",
    description = {
      "run Python programs in the GraalPy sandbox, print outcomes as JSON",
      "",
      "Runs the Python program read from stdin in the GraalPy sandbox (no files, network,"
          + " processes, threads or host access) and prints its outcome as one JSON line:",
      "  {\"kind\": \"output\"|\"error\"|\"timeout\"|\"refused\", \"output\": TEXT|null,",
      "   \"error\": TEXT|null, \"millis\": N}"
    })
final class RunPythonCommand implements RstarCommand {
  static final int DEFAULT_TIMEOUT_MS = 500;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "" + DEFAULT_TIMEOUT_MS,
      description = "wall-clock limit per program (default ${DEFAULT-VALUE})")
  int timeoutMs;

  @Option(
      names = "--python-path",
      paramLabel = "DIR",
      description =
          "a directory of pure-Python packages, read-only to the programs (e.g."
              + " /usr/lib/python3/dist-packages); sympy there is imported once per pooled context"
              + " at start, never per program")
  Path pythonPath;

  @Option(
      names = "--jsonl",
      arity = "0",
      description =
          "stdin holds one {\"code\": \"...\"} object per line; every program runs through the"
              + " same warm pool, one outcome line per input line, in order (a malformed line gets"
              + " an error outcome)")
  boolean jsonl;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (timeoutMs < 1 || timeoutMs > 600_000) {
      throw new UsageException("--timeout must be in 1..600000 ms, was " + timeoutMs);
    }
    GraalPyVerifier.Builder b =
        GraalPyVerifier.builder().timeout(Duration.ofMillis(timeoutMs)).poolSize(jsonl ? 2 : 1);
    if (pythonPath != null) {
      Path dir = pythonPath;
      if (!Files.isDirectory(dir)) {
        throw new UsageException("--python-path is not a directory: " + dir);
      }
      b.pythonPath(dir);
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try (GraalPyVerifier verifier = b.build()) {
      if (!jsonl) {
        StringBuilder program = new StringBuilder();
        char[] buf = new char[8192];
        int n;
        while ((n = reader.read(buf)) > 0) {
          program.append(buf, 0, n);
        }
        out.println(toJson(verifier.execute(program.toString())));
        out.flush();
        return 0;
      }
      JsonLines.LineReader lines = JsonLines.reader(reader, "<stdin>", JsonLines.Breaks.ANY);
      for (JsonLines.Line line; (line = lines.next()) != null; ) {
        String code;
        try {
          code = codeOf(line);
        } catch (IllegalArgumentException e) {
          out.println(malformed(line.number(), e.getMessage()));
          out.flush();
          continue;
        }
        out.println(toJson(verifier.execute(code)));
        out.flush();
      }
      return 0;
    }
  }

  /** The {@code code} string of one input line. */
  static String codeOf(JsonLines.Line line) {
    JsonElement e;
    try {
      e = line.parse();
    } catch (JsonLines.LineException ex) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonElement code = e.getAsJsonObject().get("code");
    if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("no string field \"code\"");
    }
    return code.getAsString();
  }

  private static String malformed(long lineNo, String why) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", "error");
    o.add("output", null);
    o.addProperty("error", "ValueError: malformed input line " + lineNo + ": " + why);
    o.addProperty("millis", 0);
    return JsonLines.toLine(o);
  }

  /** One outcome as the command's JSON line. */
  static String toJson(ExecutionOutcome outcome) {
    JsonObject o = new JsonObject();
    String kind;
    if (outcome instanceof ExecutionOutcome.Output) {
      kind = "output";
    } else if (outcome instanceof ExecutionOutcome.Error) {
      kind = "error";
    } else if (outcome instanceof ExecutionOutcome.Timeout) {
      kind = "timeout";
    } else {
      kind = "refused";
    }
    o.addProperty("kind", kind);
    if (kind.equals("output")) {
      o.addProperty("output", outcome.text());
      o.add("error", null);
    } else {
      o.add("output", null);
      o.addProperty("error", outcome.text());
    }
    o.addProperty("millis", outcome.elapsed().toMillis());
    return JsonLines.toLine(o);
  }
}
