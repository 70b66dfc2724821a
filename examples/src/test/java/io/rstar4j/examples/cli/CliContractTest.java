package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's contract, written down before the parser was replaced and run unchanged after:
 * every command and flag (its name, whether it takes a value), the exit codes (0 success, 1
 * failure, 2 usage error), the first line of each usage error on stderr, where help goes, and the
 * parser's edge cases (the last of a repeated flag wins, a value may look like a flag, {@code
 * --flag=value}, values are trimmed before number parsing, {@code --} and {@code @file} are plain
 * arguments). What the commands compute is the other tests' business.
 */
class CliContractTest {
  @TempDir static Path dir;
  static Path script;
  static Path tokenizer;
  static Path trees;
  static Path problems;
  static Path noGold;
  static String missing;

  /** Every command with its flags: value flags, then "=" and the flags that take no value. */
  static final Map<String, List<String>> FLAGS = new LinkedHashMap<>();

  static {
    List<String> search =
        List.of(
            "problems",
            "limit",
            "model",
            "server",
            "server-model",
            "api-key",
            "verifier",
            "rollouts",
            "n",
            "max-depth",
            "batch-problems",
            "max-tokens",
            "temperature",
            "seed",
            "provider",
            "timeout-ms");
    FLAGS.put("mcts-demo", List.of("script", "rollouts", "=", "json"));
    FLAGS.put(
        "mcts-replay",
        List.of("script", "=", "json", "eager-terminals", "terminate-empty", "unvisited-infinity"));
    FLAGS.put("run-python", List.of("timeout", "python-path", "=", "jsonl"));
    FLAGS.put(
        "grade",
        List.of(
            "tolerance",
            "python-path",
            "sympy-timeout",
            "sympy-backend",
            "=",
            "strict",
            "explain"));
    FLAGS.put(
        "extract",
        List.of(
            "trees",
            "sft",
            "pairs",
            "pairs-unfiltered",
            "sft-per-problem",
            "margin",
            "edit-distance",
            "="));
    FLAGS.put("tokenize", List.of("tokenizer", "=", "json-lines"));
    FLAGS.put(
        "generate",
        List.of(
            "model",
            "prompt",
            "n",
            "temperature",
            "max-tokens",
            "top-p",
            "top-k",
            "seed",
            "stop",
            "provider",
            "=",
            "step-stops"));
    FLAGS.put("make-tiny-model", List.of("out", "size", "seed", "="));
    FLAGS.put(
        "train-ppm",
        List.of(
            "backbone",
            "pairs",
            "out",
            "train",
            "rank",
            "epochs",
            "lr",
            "batch",
            "weight-decay",
            "held-out",
            "patience",
            "seed",
            "context",
            "device",
            "=",
            "no-cache",
            "fresh"));
    FLAGS.put(
        "train-policy",
        List.of(
            "sft",
            "model",
            "out",
            "epochs",
            "lr",
            "batch",
            "max-length",
            "seed",
            "train",
            "device",
            "="));
    FLAGS.put("score", List.of("ppm", "input", "batch", "=", "raw"));
    FLAGS.put("solve", concat(search, "ppm", "mode", "trees", "="));
    FLAGS.put(
        "eval",
        concat(search, "ppm", "baseline", "beam-width", "trees", "searches", "select", "="));
    FLAGS.put(
        "evolve",
        concat(
            search,
            "rounds",
            "out",
            "ppm-backbone",
            "ppm-epochs",
            "ppm-batch",
            "context",
            "policy-trainer",
            "hard-rollouts",
            "="));
    FLAGS.put(
        "evolve-demo",
        List.of(
            "out", "rounds", "preset", "train", "test", "seed", "ppm-backbone", "verifier", "="));
  }

  static List<String> concat(List<String> a, String... b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(Arrays.asList(b));
    return l;
  }

  static List<String> valueFlags(String command) {
    List<String> f = FLAGS.get(command);
    return f.subList(0, f.indexOf("="));
  }

  static List<String> booleanFlags(String command) {
    List<String> f = FLAGS.get(command);
    return f.subList(f.indexOf("=") + 1, f.size());
  }

  record Run(int code, String out, String err) {
    String firstErr() {
      int nl = err.indexOf('\n');
      return nl < 0 ? err : err.substring(0, nl);
    }

    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run rstarIn(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Rstar.run(
            List.of(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run rstar(String... args) {
    return rstarIn("", args);
  }

  /** A usage error: exit 2, nothing on stdout, the message then the command's usage on stderr. */
  static void usage(String message, String... args) {
    Run r = rstar(args);
    String command = args[0];
    assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.describe());
    assertEquals("rstar " + command + ": " + message, r.firstErr(), r.describe());
    assertEquals("", r.out(), r.describe());
    assertTrue(r.err().contains("usage: rstar " + command), r.describe());
  }

  /** Parsing succeeded and the command failed later: exit 1 with this first line on stderr. */
  static void fails(String message, String... args) {
    Run r = rstar(args);
    assertEquals(1, r.code(), String.join(" ", args) + "\n" + r.describe());
    assertEquals(message, r.firstErr(), r.describe());
  }

  static String[] args(String... a) {
    return a;
  }

  static String[] with(String[] a, String... more) {
    List<String> l = new ArrayList<>(Arrays.asList(a));
    l.addAll(Arrays.asList(more));
    return l.toArray(new String[0]);
  }

  @BeforeAll
  static void files() throws IOException {
    script = dir.resolve("demo.script.json");
    try (InputStream in = CliContractTest.class.getResourceAsStream(MctsDemoCommand.DEMO_SCRIPT)) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    tokenizer = dir.resolve("tokenizer.json");
    try (InputStream in =
        CliContractTest.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
      Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
    }
    trees = dir.resolve("trees.jsonl");
    Files.writeString(trees, GoldenFiles.trees());
    problems = dir.resolve("problems.json");
    Files.writeString(
        problems, "[{\"index\": 1, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"}]\n");
    noGold = dir.resolve("no-gold.jsonl");
    Files.writeString(noGold, "{\"index\": 1, \"question\": \"What is 2 + 3?\"}\n");
    missing = dir.resolve("missing").toString();
  }

  // ---------------------------------------------------------------- the top level

  @Test
  void topLevel() {
    Run none = rstar();
    assertEquals(2, none.code());
    assertEquals("", none.out());
    assertTrue(none.firstErr().startsWith("usage: rstar COMMAND"), none.describe());
    for (String[] help : List.of(args("--help"), args("-h"), args("help"))) {
      Run r = rstar(help);
      assertEquals(0, r.code(), r.describe());
      assertEquals("", r.err());
      assertTrue(r.out().startsWith("usage: rstar COMMAND"), r.describe());
      for (String c : FLAGS.keySet()) {
        assertTrue(r.out().contains("  " + c + " "), c + "\n" + r.describe());
      }
    }
    Run unknown = rstar("frobnicate", "--x");
    assertEquals(2, unknown.code());
    assertEquals("", unknown.out());
    assertEquals("rstar: unknown command 'frobnicate'", unknown.firstErr());
    assertTrue(unknown.err().contains("usage: rstar COMMAND"), unknown.describe());
    Run flag = rstar("--json");
    assertEquals(2, flag.code());
    assertEquals("rstar: unknown command '--json'", flag.firstErr());
    Run helpUnknown = rstar("help", "frobnicate");
    assertEquals(0, helpUnknown.code());
    assertTrue(helpUnknown.out().startsWith("usage: rstar COMMAND"), helpUnknown.describe());
  }

  // ---------------------------------------------------------------- every command, every flag

  @Test
  void helpListsEveryFlagOnStdoutAndExitsZero() {
    for (String c : FLAGS.keySet()) {
      List<String[]> forms =
          List.of(
              args(c, "--help"),
              args(c, "-h"),
              args("help", c),
              args("--help", c),
              // help wins over anything else on the line, even a bad flag
              args(c, "--no-such-flag", "--help"),
              args(c, "unexpected", "-h"));
      for (String[] form : forms) {
        Run r = rstar(form);
        assertEquals(0, r.code(), String.join(" ", form) + "\n" + r.describe());
        assertEquals("", r.err(), r.describe());
        assertTrue(r.out().startsWith("usage: rstar " + c), r.describe());
        for (String f : FLAGS.get(c)) {
          if (!f.equals("=")) {
            assertTrue(r.out().contains("--" + f), c + " --" + f + "\n" + r.out());
          }
        }
      }
    }
  }

  @Test
  void unknownFlagsMissingValuesAndValuesOnSwitchesAreUsageErrors() {
    for (String c : FLAGS.keySet()) {
      usage("unknown option --no-such-flag", c, "--no-such-flag");
      usage("unknown option --no-such-flag", c, "--no-such-flag=3");
      usage("unknown option --no-such-flag", c, "--no-such-flag", "3");
      // flag names are exact: no abbreviations, no other case, no single dash
      for (String f : valueFlags(c)) {
        usage("--" + f + " needs a value", c, "--" + f);
        usage(
            "unknown option --" + f.toUpperCase(java.util.Locale.ROOT),
            c,
            "--" + f.toUpperCase(java.util.Locale.ROOT),
            "x");
      }
      for (String f : booleanFlags(c)) {
        usage("--" + f + " takes no value", c, "--" + f + "=true");
        usage("--" + f + " takes no value", c, "--" + f + "=");
      }
    }
  }

  @Test
  void strayArguments() {
    // most commands refuse arguments that are not flags; extract, score and train-ppm ignore them
    for (String c : FLAGS.keySet()) {
      if (List.of("extract", "score", "train-ppm").contains(c)) {
        continue;
      }
      usage("unexpected argument 'stray'", c, "stray");
      usage("unexpected argument '-x'", c, "-x");
      usage("unexpected argument '--'", c, "--");
      usage("unexpected argument '@args.txt'", c, "@args.txt");
      // an unknown flag is reported before a stray argument, wherever it stands
      usage("unknown option --bogus", c, "stray", "--bogus");
    }
    fails(
        "rstar score: no such input file: " + missing,
        "score",
        "stray",
        "--ppm",
        missing,
        "--input",
        missing);
    fails(
        "rstar train-ppm: no such pair file: " + missing,
        "train-ppm",
        "stray",
        "--backbone",
        missing,
        "--pairs",
        missing,
        "--out",
        missing);
    fails(
        "rstar extract: no such file: " + missing,
        "extract",
        "stray",
        "--trees",
        missing,
        "--sft",
        missing);
  }

  // ---------------------------------------------------------------- command by command

  @Test
  void mctsDemo() {
    Run r = rstar("mcts-demo", "--json", "--rollouts", "3");
    assertEquals(0, r.code(), r.describe());
    assertEquals(1, r.out().lines().count());
    assertEquals(0, rstar("mcts-demo", "--script", script.toString(), "--rollouts=2").code());
    // the last of a repeated flag wins; values are trimmed before number parsing
    assertEquals(0, rstar("mcts-demo", "--rollouts", "0", "--rollouts", " 2 ").code());
    usage("--rollouts must be >= 1, was 0", "mcts-demo", "--rollouts", "2", "--rollouts", "0");
    usage("--rollouts must be >= 1, was -1", "mcts-demo", "--rollouts", "-1");
    usage("--rollouts must be an integer, was 'two'", "mcts-demo", "--rollouts", "two");
    usage("--rollouts must be an integer, was '2.5'", "mcts-demo", "--rollouts", "2.5");
    usage("--rollouts must be an integer, was ''", "mcts-demo", "--rollouts=");
    Run text = rstar("mcts-demo");
    assertEquals(0, text.code());
    assertTrue(text.out().startsWith("question: "), text.out());
  }

  @Test
  void mctsReplay() {
    usage("missing required option --script", "mcts-replay");
    usage("missing required option --script", "mcts-replay", "--json");
    Run r =
        rstar(
            "mcts-replay",
            "--script",
            script.toString(),
            "--json",
            "--eager-terminals",
            "--terminate-empty",
            "--unvisited-infinity");
    assertEquals(0, r.code(), r.describe());
    assertTrue(r.out().startsWith("{\"nodes\":[{\"path\":[]"), r.out());
    fails("rstar mcts-replay: no such file: " + missing, "mcts-replay", "--script", missing);
    // a value may look like a flag: it is the value
    fails("rstar mcts-replay: no such file: --json", "mcts-replay", "--script", "--json");
  }

  @Test
  void runPython() {
    usage("--timeout must be in 1..600000 ms, was 0", "run-python", "--timeout", "0");
    usage("--timeout must be in 1..600000 ms, was 600001", "run-python", "--timeout", "600001");
    usage("--timeout must be an integer, was 'soon'", "run-python", "--timeout", "soon");
    usage("--python-path is not a directory: " + missing, "run-python", "--python-path", missing);
    usage("--python-path is not a directory: --jsonl", "run-python", "--python-path", "--jsonl");
  }

  @Test
  void grade() {
    String in = "{\"gold\": \"1/2\", \"pred\": \"0.5\"}\n{\"gold\": \"2\"}\n";
    Run r =
        rstarIn(
            in,
            "grade",
            "--strict",
            "--tolerance",
            "1e-3",
            "--python-path",
            dir.toString(),
            "--sympy-backend",
            "cpython",
            "--sympy-timeout",
            "5000");
    assertEquals(0, r.code(), r.describe());
    assertEquals(2, r.out().lines().count(), r.out());
    usage("--tolerance must be a number, was 'tight'", "grade", "--tolerance", "tight");
    usage("--sympy-timeout must be an integer, was '1s'", "grade", "--sympy-timeout", "1s");
    usage("--sympy-timeout must be positive", "grade", "--sympy-timeout", "0");
    usage(
        "--sympy-backend must be cpython or graalpy, was 'jython'",
        "grade",
        "--python-path",
        dir.toString(),
        "--sympy-backend",
        "jython");
    usage(
        "--sympy-backend needs --python-path DIR (where sympy is)",
        "grade",
        "--sympy-backend",
        "cpython");
    usage("--python-path " + missing + " is not a directory", "grade", "--python-path", missing);
  }

  @Test
  void extract() {
    Path out = dir.resolve("extract");
    Run r =
        rstar(
            "extract",
            "--trees",
            trees.toString(),
            "--sft",
            out.resolve("sft.jsonl").toString(),
            "--pairs",
            out.resolve("pairs.jsonl").toString(),
            "--pairs-unfiltered",
            out.resolve("all.jsonl").toString(),
            "--sft-per-problem",
            "1",
            "--margin",
            "0.25",
            "--edit-distance",
            "5");
    assertEquals(0, r.code(), r.describe());
    assertEquals("", r.out());
    assertTrue(r.firstErr().startsWith("rstar extract: "), r.describe());
    usage("missing required option --trees", "extract");
    usage("missing required option --trees", "extract", "--sft", "x");
    usage(
        "give at least one output: --sft, --pairs or --pairs-unfiltered",
        "extract",
        "--trees",
        trees.toString());
    usage(
        "--sft-per-problem must be an integer, was 'two'",
        "extract",
        "--trees",
        "-",
        "--sft",
        "x",
        "--sft-per-problem",
        "two");
    usage(
        "--margin must be a number, was 'wide'",
        "extract",
        "--trees",
        "-",
        "--sft",
        "x",
        "--margin",
        "wide");
    usage(
        "--edit-distance must be an integer, was '1e3'",
        "extract",
        "--trees",
        "-",
        "--sft",
        "x",
        "--edit-distance",
        "1e3");
  }

  @Test
  void tokenize() {
    Run r = rstarIn("\"a b\"\n", "tokenize", "--tokenizer", tokenizer.toString(), "--json-lines");
    assertEquals(0, r.code(), r.describe());
    assertEquals(1, r.out().lines().count());
    usage("missing required option --tokenizer", "tokenize");
    usage("missing required option --tokenizer", "tokenize", "--json-lines");
  }

  @Test
  void generate() {
    String[] all =
        args(
            "generate",
            "--model",
            missing,
            "--prompt",
            "Hello",
            "--n",
            "2",
            "--temperature",
            "0.5",
            "--max-tokens",
            "4",
            "--top-p",
            "0.9",
            "--top-k",
            "5",
            "--seed",
            "7",
            "--stop",
            "--step-stops",
            "--step-stops",
            "--provider",
            "CPU");
    Run r = rstar(all);
    assertEquals(1, r.code(), r.describe());
    assertTrue(r.firstErr().startsWith("rstar generate: "), r.describe());
    usage("missing required option --model", "generate");
    usage("missing required option --model", "generate", "--prompt", "x");
    usage("missing required option --prompt or --prompt-file", "generate", "--model", missing);
    usage(
        "--prompt and --prompt-file are mutually exclusive: give one",
        "generate",
        "--model",
        missing,
        "--prompt",
        "x",
        "--prompt-file",
        "p.txt");
    fails(
        "rstar generate: --prompt-file " + dir.resolve("none.txt") + ": no such file",
        "generate",
        "--model",
        missing,
        "--prompt-file",
        dir.resolve("none.txt").toString());
    String[] base = args("generate", "--model", missing, "--prompt", "x");
    usage("--n must be an integer, was 'two'", with(base, "--n", "two"));
    usage("--n must be >= 1, was 0", with(base, "--n", "0"));
    usage("--temperature must be a number, was 'hot'", with(base, "--temperature", "hot"));
    usage("--max-tokens must be an integer, was 'many'", with(base, "--max-tokens", "many"));
    usage("--top-p must be a number, was 'p'", with(base, "--top-p", "p"));
    usage("--top-k must be an integer, was 'k'", with(base, "--top-k", "k"));
    usage("--seed must be an integer, was 's'", with(base, "--seed", "s"));
    usage("--provider must be auto, cpu or cuda", with(base, "--provider", "gpu"));
    fails("rstar generate: the prompt is empty", "generate", "--model", missing, "--prompt", "");
  }

  @Test
  void makeTinyModel() {
    Path out = dir.resolve("tiny");
    Run r = rstar("make-tiny-model", "--out", out.toString(), "--size", "tiny", "--seed", "3");
    assertEquals(0, r.code(), r.describe());
    assertEquals(out + "\n", r.out());
    usage("missing required option --out", "make-tiny-model");
    usage("missing required option --out", "make-tiny-model", "--size", "small");
    usage(
        "--size must be tiny or small, was 'huge'",
        "make-tiny-model",
        "--out",
        missing,
        "--size",
        "huge");
    usage("--seed must be an integer, was 'x'", "make-tiny-model", "--out", missing, "--seed", "x");
    fails(
        "rstar make-tiny-model: " + trees + " exists and is not a directory",
        "make-tiny-model",
        "--out",
        trees.toString());
  }

  @Test
  void trainPpm() {
    String[] base = args("train-ppm", "--backbone", missing, "--pairs", missing, "--out", missing);
    fails(
        "rstar train-ppm: no such pair file: " + missing,
        with(
            base,
            "--epochs",
            "2",
            "--lr",
            "0.01",
            "--batch",
            "4",
            "--weight-decay",
            "0",
            "--held-out",
            "0.2",
            "--patience",
            "1",
            "--seed",
            "3",
            "--context",
            "64",
            "--device",
            "cpu",
            "--no-cache",
            "--fresh"));
    fails(
        "rstar train-ppm: no such pair file: " + missing,
        with(base, "--train", "lora", "--rank", "4"));
    usage("--train must be full, lora or head, was 'most'", with(base, "--train", "most"));
    usage("--rank applies to --train lora only", with(base, "--rank", "4"));
    usage("--rank applies to --train lora only", with(base, "--train", "full", "--rank", "4"));
    usage("--rank must be >= 1", with(base, "--train", "lora", "--rank", "0"));
    usage("--rank must be an integer, was 'r'", with(base, "--rank", "r"));
    usage("missing required option --backbone", "train-ppm");
    usage("missing required option --pairs", "train-ppm", "--backbone", missing);
    usage("missing required option --out", "train-ppm", "--backbone", missing, "--pairs", missing);
    usage("--epochs must be an integer, was 'e'", with(base, "--epochs", "e"));
    usage("--lr must be a number, was 'fast'", with(base, "--lr", "fast"));
    usage("--batch must be an integer, was 'b'", with(base, "--batch", "b"));
    usage("--weight-decay must be a number, was 'w'", with(base, "--weight-decay", "w"));
    usage("--held-out must be a number, was 'h'", with(base, "--held-out", "h"));
    usage("--patience must be an integer, was 'p'", with(base, "--patience", "p"));
    usage("--seed must be an integer, was 's'", with(base, "--seed", "s"));
    usage("--context must be an integer, was 'c'", with(base, "--context", "c"));
  }

  @Test
  void trainPolicy() {
    String[] base = args("train-policy", "--sft", missing, "--model", missing, "--out", missing);
    fails(
        "rstar train-policy: no such SFT file: " + missing,
        with(
            base,
            "--epochs",
            "2",
            "--lr",
            "0.01",
            "--batch",
            "4",
            "--max-length",
            "64",
            "--seed",
            "3",
            "--train",
            "lora",
            "--device",
            "cpu"));
    usage("missing required option --sft", "train-policy");
    usage("missing required option --model", "train-policy", "--sft", missing);
    usage("missing required option --out", "train-policy", "--sft", missing, "--model", missing);
    usage("--epochs must be an integer, was 'e'", with(base, "--epochs", "e"));
    usage("--epochs must be >= 1, was 0", with(base, "--epochs", "0"));
    usage("--lr must be a number, was 'fast'", with(base, "--lr", "fast"));
    usage("--batch must be >= 1, was 0", with(base, "--batch", "0"));
    usage("--max-length must be >= 2, was 1", with(base, "--max-length", "1"));
    usage("--seed must be an integer, was 's'", with(base, "--seed", "s"));
    usage("--train must be full or lora, was 'half'", with(base, "--train", "half"));
    usage("--device must be cpu, cuda or auto, was 'tpu'", with(base, "--device", "tpu"));
  }

  @Test
  void score() {
    fails(
        "rstar score: no such input file: " + missing,
        "score",
        "--ppm",
        missing,
        "--input",
        missing,
        "--batch",
        "2",
        "--raw");
    usage("missing required option --ppm", "score");
    usage("missing required option --ppm", "score", "--raw");
    usage("--batch must be an integer, was 'b'", "score", "--ppm", missing, "--batch", "b");
    usage("--batch must be >= 1", "score", "--ppm", missing, "--batch", "0");
  }

  /** The flags solve, eval and evolve share, with a server that is never reached. */
  static String[] search(String command) {
    return args(
        command,
        "--problems",
        problems.toString(),
        "--server",
        "http://127.0.0.1:9",
        "--server-model",
        "m");
  }

  static void sharedSearchFlags(String c, String... required) {
    String[] base = with(search(c), required);
    usage(
        "missing required option --problems",
        with(args(c, "--server", "u", "--server-model", "m"), required));
    usage(
        "give exactly one of --model DIR and --server URL",
        with(args(c, "--problems", "x"), required));
    usage(
        "give exactly one of --model DIR and --server URL",
        with(with(base, "--model", dir.toString()), required));
    usage(
        "--server needs --server-model NAME",
        with(args(c, "--problems", "x", "--server", "u"), required));
    usage(
        "no such model directory: " + missing,
        with(args(c, "--problems", "x", "--model", missing), required));
    usage("--limit must be >= 1, was 0", with(base, "--limit", "0"));
    usage("--limit must be an integer, was 'all'", with(base, "--limit", "all"));
    usage("--batch-problems must be >= 1, was 0", with(base, "--batch-problems", "0"));
    usage("--batch-problems must be an integer, was 'b'", with(base, "--batch-problems", "b"));
    usage("--rollouts must be an integer, was 'r'", with(base, "--rollouts", "r"));
    usage("--n must be an integer, was 'n'", with(base, "--n", "n"));
    usage("--max-depth must be an integer, was 'd'", with(base, "--max-depth", "d"));
    usage("--timeout-ms must be >= 1", with(base, "--timeout-ms", "0"));
    usage("--timeout-ms must be an integer, was 't'", with(base, "--timeout-ms", "t"));
    usage(
        "--verifier must be graalpy or cpython, was 'jython'", with(base, "--verifier", "jython"));
    usage("--max-in-flight must be >= 1, was 0", with(base, "--max-in-flight", "0"));
    usage(
        "no such file of server URLs: " + missing,
        with(args(c, "--problems", "x", "--servers", missing, "--server-model", "m"), required));
    String[] served = with(base, "--ppm-server", "http://127.0.0.1:9");
    usage(
        "--ppm-api: the reward API must be vllm-reward, vllm-embed or sglang, was 'tgi'",
        with(served, "--ppm-api", "tgi"));
    usage(
        "--ppm-api vllm-embed needs --value-head FILE (the value_head.json of rstar train-ppm)",
        with(served, "--ppm-api", "vllm-embed"));
    usage(
        "no such value head file: " + missing,
        with(served, "--ppm-api", "vllm-embed", "--value-head", missing));
    usage(
        "--value-head goes with --ppm-api vllm-embed",
        with(served, "--value-head", dir.toString()));
    usage("--value-head goes with --ppm-server URL", with(base, "--value-head", dir.toString()));
    usage(
        "--ppm-server: base URL must be an absolute http(s) URL, was: localhost:8001",
        with(base, "--ppm-server", "localhost:8001"));
  }

  @Test
  void solve() {
    String[] trees = args("--trees", dir.resolve("solve.jsonl").toString());
    sharedSearchFlags("solve", trees);
    usage("missing required option --trees", search("solve"));
    usage(
        "--mode ppm-augmented needs --ppm DIR or --ppm-server URL",
        with(search("solve"), with(trees, "--mode", "ppm-augmented")));
    usage(
        "give one of --ppm DIR and --ppm-server URL, not both",
        with(search("solve"), with(trees, "--ppm", dir.toString(), "--ppm-server", "http://h")));
    usage(
        "unknown search mode 'fast' (terminal-guided, ppm-augmented or test-time)",
        with(search("solve"), with(trees, "--mode", "fast")));
    // every flag parses; the run stops at the missing PPM directory, after the verifier started
    usage(
        "no such PPM directory: " + missing,
        with(
            search("solve"),
            with(
                trees,
                "--limit",
                "1",
                "--api-key",
                "k",
                "--verifier",
                "CPython",
                "--rollouts",
                "2",
                "--n",
                "2",
                "--max-depth",
                "3",
                "--batch-problems",
                "1",
                "--max-tokens",
                "5",
                "--temperature",
                "0.5",
                "--seed",
                "1",
                "--provider",
                "cpu",
                "--timeout-ms",
                "100",
                "--mode",
                "test-time",
                "--ppm",
                missing)));
    fails(
        "rstar solve: problem 1 has no gold answer: terminal-guided needs one (use --mode test-time)",
        "solve",
        "--problems",
        noGold.toString(),
        "--server",
        "u",
        "--server-model",
        "m",
        "--trees",
        missing);
  }

  @Test
  void eval() {
    sharedSearchFlags("eval");
    usage(
        "--baseline must be best-of-n or beam, was 'sampling'",
        with(search("eval"), "--baseline", "sampling"));
    usage(
        "--baseline beam needs --ppm DIR or --ppm-server URL",
        with(search("eval"), "--baseline", "beam"));
    usage(
        "--trees saves search trees: not with --baseline",
        with(search("eval"), "--baseline", "best-of-n", "--trees", missing));
    usage("--searches must be >= 1, was 0", with(search("eval"), "--searches", "0"));
    usage("--searches must be an integer, was 'k'", with(search("eval"), "--searches", "k"));
    usage(
        "--select must be highest, majority or weighted, was 'best'",
        with(search("eval"), "--select", "best"));
    usage(
        "--searches and --select combine test-time searches: not with --baseline",
        with(search("eval"), "--baseline", "best-of-n", "--select", "majority"));
    usage("--beam-width must be >= 1", with(search("eval"), "--beam-width", "0"));
    usage("--beam-width must be an integer, was 'w'", with(search("eval"), "--beam-width", "w"));
    usage(
        "no such PPM directory: " + missing,
        with(
            search("eval"),
            "--baseline",
            "BEAM",
            "--beam-width",
            "2",
            "--n",
            "2",
            "--verifier",
            "cpython",
            "--ppm",
            missing));
    usage(
        "no such PPM directory: " + missing,
        with(
            search("eval"),
            "--searches",
            "2",
            "--select",
            "Weighted",
            "--trees",
            missing,
            "--verifier",
            "cpython",
            "--ppm",
            missing));
  }

  @Test
  void evolveDemo() {
    usage("missing required option --out", "evolve-demo");
    usage("--rounds must be >= 1", "evolve-demo", "--out", missing, "--rounds", "0");
    usage(
        "--preset must be quick or full, was 'huge'",
        "evolve-demo",
        "--out",
        missing,
        "--preset",
        "huge");
    usage("--train must be >= 1 and --test >= 0", "evolve-demo", "--out", missing, "--train", "0");
    assertFalse(Files.exists(Path.of(missing)), "a usage error writes nothing");
  }

  @Test
  void evolve() {
    String[] req = args("--rounds", "1", "--out", dir.resolve("evolve").toString());
    sharedSearchFlags("evolve", req);
    usage("missing required option --out", with(search("evolve"), "--rounds", "1"));
    usage("--rounds R (>= 1) is required", with(search("evolve"), "--out", missing));
    usage(
        "--rounds R (>= 1) is required", with(search("evolve"), "--out", missing, "--rounds", "0"));
    usage(
        "--rounds must be an integer, was 'r'",
        with(search("evolve"), "--out", missing, "--rounds", "r"));
    usage(
        "rounds 3+ search with a PPM: give --ppm-backbone DIR",
        with(search("evolve"), "--out", missing, "--rounds", "3"));
    usage(
        "no such PPM backbone directory: " + missing,
        with(with(search("evolve"), req), "--ppm-backbone", missing));
    usage(
        "--hard-rollouts must be >= 1 or 'reference'",
        with(with(search("evolve"), req), "--hard-rollouts", "0"));
    usage(
        "--hard-rollouts must be an integer, was 'many'",
        with(with(search("evolve"), req), "--hard-rollouts", "many"));
    usage(
        "--ppm-epochs must be an integer, was 'e'",
        with(with(search("evolve"), req), "--ppm-epochs", "e"));
    usage(
        "--ppm-batch must be an integer, was 'b'",
        with(with(search("evolve"), req), "--ppm-batch", "b"));
    usage(
        "--context must be an integer, was 'c'",
        with(with(search("evolve"), req), "--context", "c"));
    // every flag parses; the run stops at the problem without a gold answer
    fails(
        "rstar evolve: problem 1 has no gold answer",
        "evolve",
        "--problems",
        noGold.toString(),
        "--limit",
        "1",
        "--server",
        "u",
        "--server-model",
        "m",
        "--api-key",
        "k",
        "--verifier",
        "cpython",
        "--rollouts",
        "2",
        "--n",
        "2",
        "--max-depth",
        "3",
        "--batch-problems",
        "1",
        "--max-tokens",
        "5",
        "--temperature",
        "0.5",
        "--seed",
        "1",
        "--provider",
        "cpu",
        "--timeout-ms",
        "100",
        "--rounds",
        "2",
        "--out",
        missing,
        "--ppm-backbone",
        dir.toString(),
        "--ppm-epochs",
        "1",
        "--ppm-batch",
        "2",
        "--context",
        "64",
        "--policy-trainer",
        "true",
        "--hard-rollouts",
        "reference");
  }
}
