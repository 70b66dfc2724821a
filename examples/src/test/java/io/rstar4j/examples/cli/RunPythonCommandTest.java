package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code rstar run-python} through {@link Rstar#run}: the JSON contract, one line per input. */
class RunPythonCommandTest {

  record Result(int code, String out, String err) {
    List<JsonObject> lines() {
      List<JsonObject> l = new ArrayList<>();
      for (String s : out.split("\n")) {
        if (!s.isEmpty()) {
          l.add(JsonParser.parseString(s).getAsJsonObject());
        }
      }
      return l;
    }
  }

  static Result rstar(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Rstar.run(
            List.of(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String jsonl(String code) {
    JsonObject o = new JsonObject();
    o.addProperty("code", code);
    return o.toString();
  }

  @Test
  void oneProgramGivesOneJsonOutcome() {
    Result r = rstar("x = 6\nprint(x * 7)\n", "run-python");
    assertEquals(0, r.code(), r.err());
    List<JsonObject> lines = r.lines();
    assertEquals(1, lines.size(), r.out());
    JsonObject o = lines.get(0);
    assertEquals("output", o.get("kind").getAsString());
    assertEquals("42", o.get("output").getAsString());
    assertTrue(o.get("error").isJsonNull());
    assertTrue(o.get("millis").getAsLong() >= 0);
  }

  @Test
  void jsonlRunsEveryLineInOrderThroughOnePool() {
    String stdin =
        String.join(
                "\n",
                jsonl("print(1 + 1)"),
                jsonl("while True: pass"),
                "this is not json",
                jsonl("import os\nos.system('echo pwned')"),
                jsonl("y = 5"),
                jsonl("print(y)"),
                "{\"nocode\": 1}",
                jsonl("import subprocess\nsubprocess.run(['ls'])"),
                jsonl("print(open('/etc/passwd').read())"),
                jsonl("def f(n):\n    return f(n + 1)\nf(0)"),
                jsonl("print('x' * (3 << 20))"),
                jsonl("import math\nprint(math.sqrt(16))"))
            + "\n";
    Result r = rstar(stdin, "run-python", "--jsonl", "--timeout", "600");
    assertEquals(0, r.code(), r.err());
    List<JsonObject> l = r.lines();
    assertEquals(12, l.size(), r.out());
    assertEquals("2", l.get(0).get("output").getAsString());
    assertEquals("timeout", l.get(1).get("kind").getAsString());
    assertEquals("error", l.get(2).get("kind").getAsString());
    assertTrue(l.get(2).get("error").getAsString().contains("malformed"));
    assertTrue(Set.of("refused", "error").contains(l.get(3).get("kind").getAsString()));
    assertEquals("output", l.get(4).get("kind").getAsString());
    assertEquals("error", l.get(5).get("kind").getAsString());
    assertEquals("NameError: name 'y' is not defined", l.get(5).get("error").getAsString());
    assertEquals("error", l.get(6).get("kind").getAsString());
    assertTrue(Set.of("refused", "error").contains(l.get(7).get("kind").getAsString()));
    assertFalse(l.get(8).get("kind").getAsString().equals("output"));
    assertTrue(l.get(9).get("error").getAsString().startsWith("RecursionError"));
    assertEquals("refused", l.get(10).get("kind").getAsString());
    assertEquals("4.0", l.get(11).get("output").getAsString());
    assertFalse(r.out().contains("pwned"));
    for (JsonObject o : l) {
      assertEquals(Set.of("kind", "output", "error", "millis"), o.keySet());
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    Result r = rstar("print(1)", "run-python", "--timeout", "abc");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--timeout"), r.err());
    assertEquals("", r.out());
    Result dir = rstar("print(1)", "run-python", "--python-path", "/no/such/dir/rstar4j");
    assertEquals(2, dir.code());
    assertTrue(dir.err().contains("python-path"), dir.err());
    assertEquals(2, rstar("", "run-python", "--timeout", "0").code());
    assertEquals(2, rstar("", "run-python", "--bogus").code());
  }

  @Test
  void helpListsTheCommand() {
    Result r = rstar("", "--help");
    assertTrue(r.out().contains("run-python"), r.out());
    Result u = rstar("", "run-python", "--help");
    assertTrue(u.out().contains("--jsonl"), u.out());
  }
}
