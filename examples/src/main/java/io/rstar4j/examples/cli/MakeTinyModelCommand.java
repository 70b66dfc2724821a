package io.rstar4j.examples.cli;

import io.rstar4j.core.testing.TinyQwen2;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar make-tiny-model --out DIR}: writes a tiny Qwen2-architecture decoder with random
 * weights and its byte-level BPE tokenizer, as an export directory {@code rstar generate} loads.
 */
@Command(
    name = "make-tiny-model",
    description = {
      "write a tiny random Qwen2-style ONNX decoder + tokenizer for trying things",
      "",
      "Writes DIR/model.onnx (inputs input_ids, attention_mask, position_ids,"
          + " past_key_values.{i}.key|value; outputs logits, present.{i}.key|value, as an Optimum"
          + " export), DIR/tokenizer.json (byte-level BPE with <|endoftext|>, <|im_start|>,"
          + " <|im_end|>), DIR/config.json and DIR/generation_config.json. The weights are random:"
          + " the text it generates is noise, but every code path of a real export runs. Prints DIR"
          + " on stdout."
    })
public final class MakeTinyModelCommand implements RstarCommand {

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "the directory to write (created if missing)")
  Path dir;

  @Option(
      names = "--size",
      paramLabel = "S",
      defaultValue = "tiny",
      description = "tiny (2 layers, width 64; default) or small (4 layers, width 256)")
  String size;

  @Option(names = "--seed", paramLabel = "N", description = "weight seed (default 42)")
  Long seed;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    TinyQwen2.Config config;
    switch (size) {
      case "tiny":
        config = TinyQwen2.Config.tiny();
        break;
      case "small":
        config = TinyQwen2.Config.small();
        break;
      default:
        throw new UsageException("--size must be tiny or small, was '" + size + "'");
    }
    if (seed != null) {
      config = config.withSeed(seed);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      err.println("rstar make-tiny-model: " + dir + " exists and is not a directory");
      return 1;
    }
    new io.rstar4j.core.io.OutputPaths().outputDir("--out", dir).checkWritable();
    TinyQwen2.writeExport(config, dir);
    err.printf(
        "wrote a %s Qwen2-style decoder (%d layers, width %d, %d heads / %d KV heads,"
            + " vocabulary %d) to %s%n",
        size,
        config.layers(),
        config.hidden(),
        config.heads(),
        config.kvHeads(),
        TinyQwen2.vocabSize(),
        dir);
    out.println(dir);
    return 0;
  }
}
