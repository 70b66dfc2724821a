package io.rstar4j.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.util.List;
import java.util.Set;

/**
 * {@code rstar run-python}: runs Python programs in the GraalPy sandbox and prints each outcome as
 * one JSON line {@code {"kind", "output", "error", "millis"}}.
 */
final class RunPythonCommand implements Command {
  private static final Gson GSON =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  static final int DEFAULT_TIMEOUT_MS = 500;

  @Override
  public String name() {
    return "run-python";
  }

  @Override
  public String summary() {
    return "run Python programs in the GraalPy sandbox, print outcomes as JSON";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar run-python [--timeout MS] [--python-path DIR] [--jsonl]",
        "",
        "Runs the Python program read from stdin in the GraalPy sandbox (no files, network,",
        "processes, threads or host access) and prints its outcome as one JSON line:",
        "  {\"kind\": \"output\"|\"error\"|\"timeout\"|\"refused\", \"output\": TEXT|null,",
        "   \"error\": TEXT|null, \"millis\": N}",
        "",
        "options:",
        "  --timeout MS        wall-clock limit per program (default " + DEFAULT_TIMEOUT_MS + ")",
        "  --python-path DIR   a directory of pure-Python packages, read-only to the programs",
        "                      (e.g. /usr/lib/python3/dist-packages); sympy there is imported",
        "                      once per pooled context at start, never per program",
        "  --jsonl             stdin holds one {\"code\": \"...\"} object per line; every program",
        "                      runs through the same warm pool, one outcome line per input line,",
        "                      in order (a malformed line gets an error outcome)");
  }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Args args = Args.parse(argv, Set.of("timeout", "python-path"), Set.of("jsonl"));
    if (!args.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
    }
    int timeoutMs = args.getInt("timeout", DEFAULT_TIMEOUT_MS);
    if (timeoutMs < 1 || timeoutMs > 600_000) {
      throw new UsageException("--timeout must be in 1..600000 ms, was " + timeoutMs);
    }
    boolean jsonl = args.has("jsonl");
    GraalPyVerifier.Builder b =
        GraalPyVerifier.builder().timeout(Duration.ofMillis(timeoutMs)).poolSize(jsonl ? 2 : 1);
    if (args.has("python-path")) {
      Path dir = Path.of(args.require("python-path"));
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
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        String code;
        try {
          code = codeOf(line);
        } catch (IllegalArgumentException e) {
          out.println(malformed(lineNo, e.getMessage()));
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
  static String codeOf(String line) {
    JsonElement e;
    try {
      e = JsonParser.parseString(line);
    } catch (RuntimeException ex) {
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

  private static String malformed(int lineNo, String why) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", "error");
    o.add("output", null);
    o.addProperty("error", "ValueError: malformed input line " + lineNo + ": " + why);
    o.addProperty("millis", 0);
    return GSON.toJson(o);
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
    return GSON.toJson(o);
  }
}
