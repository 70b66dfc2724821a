package io.rstar4j.train.policy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rstar4j.train.autodiff.TrainingSession;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint of a policy fine-tuning run in {@code OUT/.sft-checkpoint/}: {@code run.json}
 * (what the run is, so that another run's directory is refused, and how far it got) and {@code
 * state-E.bin} (parameters and AdamW moments after epoch E). Every file is written atomically and
 * {@code run.json} names its state file only after that file is complete, so a kill at any moment
 * leaves the last finished epoch.
 */
final class SftCheckpoint {
  static final String DIR = ".sft-checkpoint";
  static final String RUN = "run.json";
  private static final int MAGIC = 0x52534654; // "RSFT"
  private static final Gson GSON =
      new GsonBuilder()
          .setPrettyPrinting()
          .disableHtmlEscaping()
          .serializeSpecialFloatingPointValues()
          .create();

  /**
   * How far a run got.
   *
   * @param fingerprint what the run is (model, data, options)
   * @param epochsDone finished epochs
   * @param stateFile the state after the last finished epoch, or null
   * @param history the finished epochs' losses
   * @param tokens tokens trained on so far
   * @param seconds training time so far
   * @param done whether the export was written
   */
  record Progress(
      JsonObject fingerprint,
      int epochsDone,
      String stateFile,
      List<SftResult.Epoch> history,
      long tokens,
      double seconds,
      boolean done) {}

  private SftCheckpoint() {}

  static Path dir(Path out) {
    return out.resolve(DIR);
  }

  static Progress read(Path out) throws IOException {
    Path f = dir(out).resolve(RUN);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      List<SftResult.Epoch> h = new ArrayList<>();
      for (var e : o.getAsJsonArray("history")) {
        JsonObject x = e.getAsJsonObject();
        h.add(
            new SftResult.Epoch(
                x.get("epoch").getAsInt(), number(x, "train_loss"), number(x, "heldout_loss")));
      }
      return new Progress(
          o.getAsJsonObject("fingerprint"),
          o.get("epochs_done").getAsInt(),
          o.has("state") && !o.get("state").isJsonNull() ? o.get("state").getAsString() : null,
          h,
          o.get("tokens").getAsLong(),
          o.get("seconds").getAsDouble(),
          o.get("done").getAsBoolean());
    } catch (RuntimeException e) {
      throw new IOException(
          f
              + " is not a readable checkpoint ("
              + e.getMessage()
              + "); remove "
              + dir(out)
              + " to start again",
          e);
    }
  }

  private static double number(JsonObject x, String k) {
    return x.get(k).isJsonNull() ? Double.NaN : x.get(k).getAsDouble();
  }

  static void write(Path out, Progress p) throws IOException {
    JsonObject o = new JsonObject();
    o.add("fingerprint", p.fingerprint());
    o.addProperty("epochs_done", p.epochsDone());
    o.addProperty("state", p.stateFile());
    JsonArray h = new JsonArray();
    for (SftResult.Epoch e : p.history()) {
      JsonObject x = new JsonObject();
      x.addProperty("epoch", e.epoch());
      x.addProperty("train_loss", Double.isNaN(e.trainLoss()) ? null : e.trainLoss());
      x.addProperty("heldout_loss", Double.isNaN(e.heldOutLoss()) ? null : e.heldOutLoss());
      h.add(x);
    }
    o.add("history", h);
    o.addProperty("tokens", p.tokens());
    o.addProperty("seconds", p.seconds());
    o.addProperty("done", p.done());
    Files.createDirectories(dir(out));
    writeAtomically(
        dir(out).resolve(RUN),
        os -> os.write((GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  static void writeState(Path file, TrainingSession.State s) throws IOException {
    writeAtomically(
        file,
        raw -> {
          DataOutputStream d = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
          d.writeInt(MAGIC);
          d.writeLong(s.steps());
          d.writeInt(s.parameters().size());
          for (String n : s.parameters().keySet()) {
            d.writeUTF(n);
            for (float[] a :
                List.of(s.parameters().get(n), s.moment1().get(n), s.moment2().get(n))) {
              d.writeInt(a.length);
              for (float v : a) {
                d.writeFloat(v);
              }
            }
          }
          d.flush();
        });
  }

  static TrainingSession.State readState(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DataInputStream d = new DataInputStream(in);
      if (d.readInt() != MAGIC) {
        throw new IOException(file + " is not a policy training state");
      }
      long steps = d.readLong();
      int n = d.readInt();
      Map<String, float[]> p = new LinkedHashMap<>();
      Map<String, float[]> m = new LinkedHashMap<>();
      Map<String, float[]> v = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = d.readUTF();
        for (Map<String, float[]> target : List.of(p, m, v)) {
          float[] a = new float[d.readInt()];
          for (int k = 0; k < a.length; k++) {
            a[k] = d.readFloat();
          }
          target.put(name, a);
        }
      }
      return new TrainingSession.State(steps, p, m, v);
    }
  }

  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes a temp file beside the target and renames it over the target. */
  static void writeAtomically(Path target, Writer w) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp)) {
        w.write(os);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static JsonObject parseJson(String s) {
    try {
      return JsonParser.parseString(s).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
