package io.rstar4j.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.rstar4j.verify.grade.MathGrader;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code rstar grade}: grades answer pairs. Reads JSON lines {@code {"gold": ..., "pred": ...}} on
 * stdin (gold a string, a number or a list of them, any element accepted) and writes one line
 * {@code {"equal": true|false}} per input line, in order; a malformed line gives
 * {@code {"equal": false, "error": "..."}} on its line.
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
    return String.join("\n",
        "usage: rstar grade [--strict] [--tolerance REL] < pairs.jsonl",
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
        "  --tolerance REL   relative tolerance for numbers (default 1e-4)");
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err)
      throws Exception {
    Args a = Args.parse(args, Set.of("tolerance"), Set.of("strict"));
    if (!a.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    double tol = a.getDouble("tolerance", 1e-4);
    MathGrader grader;
    try {
      grader = MathGrader.builder().strictReference(a.has("strict")).relativeTolerance(tol).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    long lineNo = 0;
    long errors = 0;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      String result;
      try {
        result = grade(grader, line) ? "{\"equal\": true}" : "{\"equal\": false}";
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

  private static boolean grade(MathGrader grader, String line) {
    if (line.isBlank()) {
      throw new IllegalArgumentException("empty line, expected {\"gold\": ..., \"pred\": ...}");
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(line);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid JSON: " + firstLine(e.getMessage()));
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
      return grader.matchesAny(pred, golds);
    }
    return grader.equivalent(pred, scalar(g, "gold"));
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

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
