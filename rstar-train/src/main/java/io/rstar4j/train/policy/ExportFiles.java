package io.rstar4j.train.policy;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Writes a trained export: the base export's other files copied, then model.onnx. */
final class ExportFiles {
  private ExportFiles() {}

  static void write(Path modelDir, Path outDir, OnnxMl.ModelProto trained) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(modelDir)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.equals("model.onnx") || name.startsWith(".")) {
        continue;
      }
      SftCheckpoint.writeAtomically(outDir.resolve(name), os -> Files.copy(f, os));
    }
    SftCheckpoint.writeAtomically(outDir.resolve("model.onnx"), trained::writeTo);
  }
}
