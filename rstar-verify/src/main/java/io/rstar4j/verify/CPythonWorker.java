package io.rstar4j.verify;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One persistent {@code python3} process speaking JSON lines (see {@code rstar_exec.py}). */
final class CPythonWorker {
  private static final Gson GSON = new Gson();
  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final BufferedWriter toWorker;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private long nextId;
  int runs;

  private CPythonWorker(Process process) {
    this.process = process;
    this.toWorker =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process died or was killed
              }
              lines.add(EOF);
            },
            "rstar-cpython-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** What a worker is started with. */
  record Config(
      String python,
      long memoryBytes,
      int maxOutputChars,
      int recursionLimit,
      List<Path> pythonPath,
      List<String> preload) {}

  /**
   * Starts a worker and waits until it has imported its modules.
   *
   * @throws IOException when the process cannot start or does not become ready in time
   */
  static CPythonWorker start(Config cfg, Duration startTimeout) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(cfg.python());
    cmd.add("-I"); // isolated: no environment variables, no user site, no cwd on sys.path
    cmd.add("-c");
    cmd.add(PythonScripts.RUNNER + "\n_worker_main()\n");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    if (path != null) {
      env.put("PATH", path);
    }
    env.put("LANG", "C.UTF-8");
    env.put("PYTHONIOENCODING", "utf-8");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    CPythonWorker w = new CPythonWorker(p);
    JsonObject c = new JsonObject();
    c.addProperty("memoryBytes", cfg.memoryBytes());
    c.addProperty("maxOutputChars", cfg.maxOutputChars());
    c.addProperty("recursionLimit", cfg.recursionLimit());
    c.addProperty("maxProcesses", 0);
    c.add("preload", GSON.toJsonTree(cfg.preload()));
    c.add("pythonPath", GSON.toJsonTree(cfg.pythonPath().stream().map(Path::toString).toList()));
    c.add("readRoots", GSON.toJsonTree(cfg.pythonPath().stream().map(Path::toString).toList()));
    try {
      w.send(c.toString());
      String ready = w.poll(startTimeout);
      if (ready == null && Thread.currentThread().isInterrupted()) {
        w.kill();
        throw new java.io.InterruptedIOException("interrupted while the python worker started");
      }
      if (ready == null || ready.equals(EOF)) {
        w.kill();
        throw new IOException(
            ready == null
                ? "python worker not ready within " + startTimeout.toSeconds() + " s"
                : "python worker exited at start (" + cfg.python() + ")");
      }
      JsonObject r = JsonParser.parseString(ready).getAsJsonObject();
      if (!r.has("ready")) {
        w.kill();
        throw new IOException("unexpected worker greeting: " + ready);
      }
    } catch (IOException | RuntimeException e) {
      w.kill();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    return w;
  }

  private void send(String line) throws IOException {
    toWorker.write(line);
    toWorker.write('\n');
    toWorker.flush();
  }

  private String poll(Duration d) {
    try {
      return lines.poll(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The answer to one run: kind and text, or a failure of the worker itself. */
  sealed interface Reply permits Reply.Done, Reply.TimedOut, Reply.Died {
    record Done(String kind, String text, boolean intact) implements Reply {}

    record TimedOut() implements Reply {}

    record Died(String why) implements Reply {}
  }

  /** Sends one program and waits for its answer up to {@code timeout}. */
  Reply run(String code, Duration timeout) {
    long id = ++nextId;
    JsonObject req = new JsonObject();
    req.addProperty("id", id);
    req.addProperty("code", code);
    try {
      send(req.toString());
    } catch (IOException e) {
      return new Reply.Died("python worker stopped accepting programs: " + e.getMessage());
    }
    String line = poll(timeout);
    if (line == null) {
      return new Reply.TimedOut();
    }
    if (line.equals(EOF)) {
      return new Reply.Died(exitDescription());
    }
    try {
      JsonObject r = JsonParser.parseString(line).getAsJsonObject();
      if (!r.has("id") || r.get("id").getAsLong() != id) {
        return new Reply.Died("python worker answered out of turn");
      }
      return new Reply.Done(
          r.get("kind").getAsString(),
          r.get("text").getAsString(),
          r.has("intact") && r.get("intact").getAsBoolean());
    } catch (RuntimeException e) {
      return new Reply.Died("python worker sent a malformed answer");
    }
  }

  private String exitDescription() {
    try {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        int code = process.exitValue();
        return "python worker died (exit code "
            + code
            + (code > 128 ? ", signal " + (code - 128) : "")
            + ")";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "python worker closed its output";
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process (and anything it started). */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
