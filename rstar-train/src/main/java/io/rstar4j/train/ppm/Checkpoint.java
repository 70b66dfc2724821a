package io.rstar4j.train.ppm;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Training state after an epoch: enough to resume exactly where training stopped. */
record Checkpoint(
    long fingerprint,
    int epoch,
    long step,
    float[] w,
    float[] m,
    float[] v,
    float[] bestW,
    int bestEpoch,
    double bestLoss,
    double bestAccuracy,
    int badEpochs) {

  static final String FILE_NAME = "checkpoint.json";

  void save(Path dir) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("version", 1);
    o.addProperty("fingerprint", Long.toHexString(fingerprint));
    o.addProperty("epoch", epoch);
    o.addProperty("step", step);
    o.add("w", arr(w));
    o.add("m", arr(m));
    o.add("v", arr(v));
    o.add("best_w", arr(bestW));
    o.addProperty("best_epoch", bestEpoch);
    o.addProperty("best_loss", Double.toString(bestLoss));
    o.addProperty("best_accuracy", Double.toString(bestAccuracy));
    o.addProperty("bad_epochs", badEpochs);
    AtomicFiles.writeString(dir.resolve(FILE_NAME), o.toString());
  }

  static Checkpoint load(Path file) throws IOException {
    try {
      JsonObject o =
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      return new Checkpoint(
          Long.parseUnsignedLong(o.get("fingerprint").getAsString(), 16),
          o.get("epoch").getAsInt(),
          o.get("step").getAsLong(),
          floats(o.getAsJsonArray("w")),
          floats(o.getAsJsonArray("m")),
          floats(o.getAsJsonArray("v")),
          floats(o.getAsJsonArray("best_w")),
          o.get("best_epoch").getAsInt(),
          Double.parseDouble(o.get("best_loss").getAsString()),
          Double.parseDouble(o.get("best_accuracy").getAsString()),
          o.get("bad_epochs").getAsInt());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": malformed checkpoint: " + e.getMessage(), e);
    }
  }

  private static JsonArray arr(float[] x) {
    JsonArray a = new JsonArray(x.length);
    for (float f : x) {
      a.add(f);
    }
    return a;
  }

  private static float[] floats(JsonArray a) {
    float[] x = new float[a.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = a.get(i).getAsFloat();
    }
    return x;
  }
}
