package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.testing.TinyQwen2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent PyTorch Qwen2 ({@code qwen2_reference.py}) on the weights of a TinyQwen2
 * model: writes them as raw float32 files with a manifest, runs Debian's python3-torch, reads the
 * float64 results back.
 */
final class TorchReference {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private TorchReference() {}

  /** Why the reference cannot run here, or null when it can. */
  static String unavailable() {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " is missing (apt-get install python3-torch libopenblas0-pthread)";
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return PYTHON
            + " has no torch (apt-get install python3-torch libopenblas0-pthread): "
            + out.strip();
      }
      return null;
    } catch (IOException | InterruptedException e) {
      return "cannot run " + PYTHON + ": " + e;
    }
  }

  record Batch(long[][] ids, long[][] mask, long[][] pos, long[][] labels, double[][] weights) {}

  /** Writes the manifest and weights, runs the script, returns the result JSON. */
  static JsonObject run(
      Path dir,
      TinyQwen2.Config c,
      OnnxMl.ModelProto model,
      Collection<String> trainable,
      Batch b,
      JsonObject adam)
      throws Exception {
    Files.createDirectories(dir);
    JsonObject m = new JsonObject();
    JsonObject cfg = new JsonObject();
    cfg.addProperty("hidden", c.hidden());
    cfg.addProperty("layers", c.layers());
    cfg.addProperty("heads", c.heads());
    cfg.addProperty("kv_heads", c.kvHeads());
    cfg.addProperty("intermediate", c.intermediate());
    cfg.addProperty("rms_eps", c.rmsEps());
    cfg.addProperty("rope_theta", c.ropeTheta());
    cfg.addProperty("vocab", TinyQwen2.vocabSize());
    m.add("config", cfg);
    JsonArray params = new JsonArray();
    int k = 0;
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      boolean named =
          t.getName().startsWith("model.")
              || t.getName().startsWith("lm_head.")
              || t.getName().equals("rotary.inv_freq");
      if (!named || t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
        continue;
      }
      String file = "w" + (k++) + ".f32";
      ByteBuffer bb = Tensors.littleEndianBytes(t);
      byte[] bytes = new byte[bb.remaining()];
      bb.get(bytes);
      Files.write(dir.resolve(file), bytes);
      JsonObject p = new JsonObject();
      p.addProperty("name", t.getName());
      JsonArray shape = new JsonArray();
      t.getDimsList().forEach(shape::add);
      p.add("shape", shape);
      p.addProperty("file", file);
      p.addProperty("trainable", trainable.contains(t.getName()));
      params.add(p);
    }
    m.add("params", params);
    JsonObject batch = new JsonObject();
    Gson gson = new Gson();
    batch.add("input_ids", gson.toJsonTree(b.ids()));
    batch.add("attention_mask", gson.toJsonTree(b.mask()));
    batch.add("position_ids", gson.toJsonTree(b.pos()));
    batch.add("labels", gson.toJsonTree(b.labels()));
    batch.add("label_weights", gson.toJsonTree(b.weights()));
    m.add("batch", batch);
    m.add("adam", adam);
    Files.writeString(dir.resolve("manifest.json"), new GsonBuilder().create().toJson(m));
    Path script = dir.resolve("qwen2_reference.py");
    try (InputStream in = TorchReference.class.getResourceAsStream("qwen2_reference.py")) {
      Files.write(script, in.readAllBytes());
    }
    ProcessBuilder pb =
        new ProcessBuilder(PYTHON.toString(), script.toString(), dir.toString())
            .redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("the PyTorch reference failed:\n" + out);
    }
    return gson.fromJson(Files.readString(dir.resolve("result.json")), JsonObject.class);
  }

  static double[] readF64(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    double[] d = new double[b.remaining() / 8];
    b.asDoubleBuffer().get(d);
    return d;
  }

  static List<String> qwenParameters(OnnxMl.ModelProto model) {
    return model.getGraph().getInitializerList().stream()
        .map(OnnxMl.TensorProto::getName)
        .filter(n -> n.startsWith("model.") || n.startsWith("lm_head."))
        .toList();
  }
}
