package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractCommandTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String stdin, String... args) {
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

  @Test
  void extractsTheReferenceFilesFromSavedTrees() throws IOException {
    Path trees = dir.resolve("trees.jsonl");
    Files.writeString(trees, GoldenFiles.trees());
    Result r =
        run(
            "",
            "extract",
            "--trees",
            trees.toString(),
            "--sft",
            dir.resolve("out/sft.jsonl").toString(),
            "--pairs",
            dir.resolve("out/pairs.jsonl").toString(),
            "--pairs-unfiltered",
            dir.resolve("out/unfiltered.jsonl").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(GoldenFiles.sft(), Files.readString(dir.resolve("out/sft.jsonl")));
    assertEquals(GoldenFiles.pairs(), Files.readString(dir.resolve("out/pairs.jsonl")));
    assertEquals(
        GoldenFiles.pairsUnfiltered(), Files.readString(dir.resolve("out/unfiltered.jsonl")));
    assertTrue(r.err().contains("3 trees: 2 SFT records, 5 preference pairs"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void malformedLinesAreReportedWithTheirNumberAndTheRestKept() throws IOException {
    String[] lines = GoldenFiles.trees().split("\n");
    String input = lines[0] + "\n{\"broken\": \n" + lines[1] + "\n";
    Path sft = dir.resolve("sft.jsonl");
    Path pairs = dir.resolve("pairs.jsonl");
    Result r =
        run(input, "extract", "--trees", "-", "--sft", sft.toString(), "--pairs", pairs.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("<stdin>:2: skipped"), r.err());
    assertTrue(r.err().contains("1 malformed lines skipped"), r.err());
    assertEquals(GoldenFiles.sft(), Files.readString(sft));
    assertEquals(GoldenFiles.pairs(), Files.readString(pairs));
  }

  @Test
  void emptyInputGivesEmptyFiles() throws IOException {
    Path sft = dir.resolve("sft.jsonl");
    Path pairs = dir.resolve("pairs.jsonl");
    Result r =
        run("", "extract", "--trees", "-", "--sft", sft.toString(), "--pairs", pairs.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", Files.readString(sft));
    assertEquals("", Files.readString(pairs));
  }

  @Test
  void badUsageIsReported() {
    Result missing = run("", "extract", "--sft", "x");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--trees"), missing.err());
    Result noFile =
        run(
            "",
            "extract",
            "--trees",
            dir.resolve("nope.jsonl").toString(),
            "--sft",
            dir.resolve("s").toString());
    assertEquals(1, noFile.code());
    assertTrue(noFile.err().contains("no such file"), noFile.err());
    Result badMargin = run("", "extract", "--trees", "-", "--pairs", "p", "--margin", "x");
    assertEquals(2, badMargin.code());
  }
}
