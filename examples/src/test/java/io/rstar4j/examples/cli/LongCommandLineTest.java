package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime in a JVM whose class path and arguments are over 10 KB, as a library user launched
 * by Maven or Gradle has them: the runtime must run a model, not die with SIGSEGV (exit 139). Run
 * on the build's ONNX Runtime and on 1.29.0, whose environment creation overflowed a launcher
 * thread's stack on long command lines.
 */
class LongCommandLineTest {
  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void makeModel() {
    model = tmp.resolve("tiny");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Rstar.run(
            List.of("make-tiny-model", "--out", model.toString()),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
  }

  record Result(int code, String out, String err) {}

  /** The test class path (surefire's, not its manifest-only booter jar). */
  static List<String> classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return new ArrayList<>(List.of(cp.split(Pattern.quote(File.pathSeparator))));
  }

  /** The class path with the onnxruntime jar replaced by 1.29.0's. */
  static List<String> withOrt129(List<String> cp) {
    Path jar = Path.of("target", "ort-1.29.0", "onnxruntime-1.29.0.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), jar + " (copied by the build in process-test-resources)");
    List<String> out = new ArrayList<>();
    int replaced = 0;
    for (String e : cp) {
      if (Path.of(e).getFileName().toString().matches("onnxruntime(_gpu)?-[0-9.]+\\.jar")) {
        out.add(jar.toString());
        replaced++;
      } else {
        out.add(e);
      }
    }
    assertEquals(1, replaced, "one onnxruntime jar on " + cp);
    return out;
  }

  /** Pads the class path with absent directories until it is over 10 KB. */
  static String padded(List<String> cp) {
    List<String> all = new ArrayList<>(cp);
    for (int i = 0; String.join(File.pathSeparator, all).length() <= 12_000; i++) {
      all.add(tmp.resolve("absent-gradle-cache-like-entry/" + i + "/lib-" + i + ".jar").toString());
    }
    return String.join(File.pathSeparator, all);
  }

  static Result java(List<String> cp, String main, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-Dlong.argument=" + "x".repeat(6_000));
    cmd.add("-cp");
    cmd.add(padded(cp));
    cmd.add(main);
    cmd.addAll(List.of(args));
    assertTrue(String.join(" ", cmd).length() > 18_000);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not finish in 120 s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void generatesFromAPromptFile(List<String> cp) throws Exception {
    Path prompt = tmp.resolve("prompt.txt");
    Files.writeString(prompt, "Hello there", StandardCharsets.UTF_8);
    Result r =
        java(
            cp,
            Rstar.class.getName(),
            "generate",
            "--model",
            model.toString(),
            "--prompt-file",
            prompt.toString(),
            "--max-tokens",
            "4",
            "--temperature",
            "0");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        JsonParser.parseString(r.out().strip()).getAsJsonObject().has("completion_tokens"),
        r.out());
    // the reproduction: a 5,000-character --prompt (too long for the tiny model's
    // context, so a clear error, exit 1; never a crash)
    Result longPrompt =
        java(
            cp,
            Rstar.class.getName(),
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "y".repeat(5_000));
    assertEquals(1, longPrompt.code(), longPrompt.err());
    assertTrue(longPrompt.err().contains("context"), longPrompt.err());
  }

  @Test
  void theCliRunsAModelOnTheBuildsOnnxRuntime() throws Exception {
    generatesFromAPromptFile(classPath());
  }

  @Test
  void theCliRunsAModelOnOnnxRuntime129() throws Exception {
    generatesFromAPromptFile(withOrt129(classPath()));
  }

  @Test
  void aLibraryProgramRunsAModelOnOnnxRuntime129() throws Exception {
    Result r =
        java(withOrt129(classPath()), LongCommandLineProgram.class.getName(), model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().strip().endsWith("ok"), r.out());
  }
}
