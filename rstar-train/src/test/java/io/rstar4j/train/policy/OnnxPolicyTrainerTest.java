package io.rstar4j.train.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.SftRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy SFT end to end on a tiny decoder: the loss falls, and the saved export (KV-cache path,
 * prompt template, end token) greedily generates the trained responses through OnnxPolicy.
 */
class OnnxPolicyTrainerTest {
  static final TinyQwen2.Config SHAPE = new TinyQwen2.Config(64, 2, 4, 2, 128, 256, 1e4, 1e-6, 7);
  static final List<SftRecord> RECORDS =
      List.of(
          new SftRecord("What is 2 + 3?", "<answer>The answer is \\boxed{5}<end_of_answer>"),
          new SftRecord(
              "Compute 7 * 6.", "<code>\nprint(7 * 6)\n<end_of_code><output>42<end_of_output>"));

  @TempDir static Path shared;
  @TempDir Path dir;

  static Path base;

  @BeforeAll
  static void export() throws IOException {
    base = shared.resolve("base");
    TinyQwen2.writeExport(SHAPE, base);
  }

  static Path sftFile(Path dir, int copies) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      for (SftRecord r : RECORDS) {
        lines.add(r.toJsonLine());
      }
    }
    Path f = dir.resolve("sft.jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  static OnnxPolicyTrainer.Builder fast() {
    return fast(0.2);
  }

  static OnnxPolicyTrainer.Builder fast(double heldOut) {
    return OnnxPolicyTrainer.builder()
        .learningRate(5e-3)
        .batchSize(4)
        .heldOutFraction(heldOut)
        .warmupRatio(0.1)
        .seed(3)
        .device(ProviderChoice.CPU)
        .intraOpThreads(1);
  }

  static List<String> greedy(Path model) throws IOException {
    List<PolicyRequest> reqs = new ArrayList<>();
    for (SftRecord r : RECORDS) {
      reqs.add(new PolicyRequest(Problem.of("p", r.query(), "0"), Trajectory.empty(), 1));
    }
    try (OnnxPolicy p =
        OnnxPolicy.builder(CausalLm.builder(model).provider(ProviderChoice.CPU).build())
            .sampling(
                SamplingParams.builder()
                    .temperature(0)
                    .maxTokens(48)
                    .stopStrings(StepFormat.STOP_STRINGS)
                    .build())
            .build()) {
      List<String> out = new ArrayList<>();
      for (List<Generation> g : p.propose(reqs)) {
        out.add(g.get(0).text());
      }
      return out;
    }
  }

  @Test
  void lossFallsAndTheExportGeneratesTheTrainedResponses() throws IOException {
    Path out = dir.resolve("trained");
    List<SftResult.Epoch> seen = new ArrayList<>();
    SftResult r =
        fast()
            .epochs(40)
            .build()
            .train(
                sftFile(dir, 5),
                base,
                out,
                new SftListener() {
                  @Override
                  public void onEpoch(SftResult.Epoch e) {
                    seen.add(e);
                  }
                });
    assertEquals(40, r.epochs());
    assertEquals(40, seen.size());
    assertEquals(8, r.trainRecords());
    assertEquals(2, r.heldOutRecords());
    double first = seen.get(0).trainLoss();
    assertTrue(r.trainLoss() < 0.05 * first, "train loss " + first + " -> " + r.trainLoss());
    assertTrue(r.heldOutLoss() < 0.1 * first, "held-out loss " + r.heldOutLoss());
    assertTrue(r.tokens() > 0 && r.seconds() > 0);
    // The export keeps the layout: every file of the base, no optimizer state left behind.
    for (String f :
        List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    try (var s = Files.list(SftCheckpoint.dir(out))) {
      assertEquals(List.of(SftCheckpoint.RUN), s.map(p -> p.getFileName().toString()).toList());
    }
    List<String> got = greedy(out);
    assertEquals("<answer>The answer is \\boxed{5}<end_of_answer>", got.get(0));
    assertEquals("<code>\nprint(7 * 6)\n<end_of_code>", got.get(1));
    // The base model does not: the test can fail.
    assertFalse(greedy(base).equals(got));
  }

  @Test
  void aKilledRunResumesFromTheLastEpochAndEndsAsAnUninterruptedOne() throws IOException {
    Path sft = sftFile(dir, 2);
    // 4 records: 1 held out, 3 trained in one step per epoch; the kill comes in epoch 2.
    Path whole = dir.resolve("whole");
    SftResult ref = fast().epochs(3).build().train(sft, base, whole, SftListener.none());

    Path out = dir.resolve("killed");
    RuntimeException kill =
        assertThrows(
            RuntimeException.class,
            () ->
                fast()
                    .epochs(3)
                    .build()
                    .train(
                        sft,
                        base,
                        out,
                        new SftListener() {
                          @Override
                          public void onStep(int epoch, long s, long n, double loss, double lr) {
                            if (epoch == 2 && s == 1) {
                              throw new RuntimeException("killed");
                            }
                          }
                        }));
    assertEquals("killed", kill.getMessage());
    assertFalse(Files.exists(out.resolve("model.onnx")), "nothing half-written");
    List<Long> starts = new ArrayList<>();
    SftResult r =
        fast()
            .epochs(3)
            .build()
            .train(
                sft,
                base,
                out,
                new SftListener() {
                  @Override
                  public void onStart(long total, long done, int train, int held, int cut) {
                    starts.add(done);
                  }
                });
    assertEquals(1, r.resumedFromEpoch());
    assertEquals(List.of(1L), starts); // 3 training records, batch 4: epoch 1's one step kept
    assertEquals(ref.trainLoss(), r.trainLoss(), 1e-5);
    assertEquals(ref.heldOutLoss(), r.heldOutLoss(), 1e-5);
    assertEquals(ref.tokens(), r.tokens());
    assertEquals(
        List.of(Files.readAllBytes(whole.resolve("model.onnx")).length),
        List.of(Files.readAllBytes(out.resolve("model.onnx")).length));
  }

  @Test
  void anotherRunsDirectoryIsRefused() throws IOException {
    Path sft = sftFile(dir, 1);
    Path out = dir.resolve("out");
    fast().epochs(1).build().train(sft, base, out, SftListener.none());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fast().epochs(2).build().train(sft, base, out, SftListener.none()));
    assertTrue(e.getMessage().contains("another training run"), e.getMessage());
    assertTrue(e.getMessage().contains("epochs 1 -> 2"), e.getMessage());
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("notes.txt"), "mine");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fast().epochs(1).build().train(sft, base, other, SftListener.none()));
    assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    assertEquals("mine", Files.readString(other.resolve("notes.txt")));
  }

  @Test
  void brokenLinesAreReportedAndTheRestUsedLongRecordsCut() throws IOException {
    Path sft = dir.resolve("sft.jsonl");
    String longResponse = "<answer>" + "x".repeat(400) + "<end_of_answer>";
    Files.writeString(
        sft,
        RECORDS.get(0).toJsonLine()
            + "\n{\"query\": \"q\"\n"
            + "not json\n"
            + "\n"
            + "{\"query\": 1, \"response\": \"r\"}\n"
            + new SftRecord("long", longResponse).toJsonLine()
            + "\n"
            + RECORDS.get(1).toJsonLine()
            + "\n",
        StandardCharsets.UTF_8);
    List<LineError> errors = new ArrayList<>();
    SftResult r =
        fast(0)
            .epochs(1)
            .build()
            .train(
                sft,
                base,
                dir.resolve("out"),
                new SftListener() {
                  @Override
                  public void onMalformedLine(Path file, LineError e) {
                    errors.add(e);
                  }
                });
    assertEquals(List.of(2L, 3L, 5L), errors.stream().map(LineError::line).toList());
    assertTrue(errors.get(2).message().contains("\"query\" is not a string"), errors.toString());
    assertEquals(3, r.trainRecords());
    assertEquals(1, r.truncated()); // 400+ tokens, context 256
  }

  @Test
  void nonFloatParametersAndGraphsWithoutDecoderInputsAreClearErrors() throws IOException {
    Path sft = sftFile(dir, 1);
    Path notADecoder = dir.resolve("nd");
    Files.createDirectories(notADecoder);
    Files.copy(base.resolve("tokenizer.json"), notADecoder.resolve("tokenizer.json"));
    var m = io.rstar4j.core.onnx.OnnxGraphBuilder.create("x");
    String in = m.input("input", io.rstar4j.core.onnx.ElementType.FLOAT, "n");
    m.node("Identity").inputs(in).outputs("y").add();
    m.output("y", io.rstar4j.core.onnx.ElementType.FLOAT, "n");
    Files.write(notADecoder.resolve("model.onnx"), m.build().toByteArray());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fast().build().train(sft, notADecoder, dir.resolve("o1"), SftListener.none()));
    assertTrue(e.getMessage().contains("is not a decoder export"), e.getMessage());

    // An int8 weight (a quantized export): named, with what to do.
    Path quant = dir.resolve("q");
    TinyQwen2.writeExport(SHAPE, quant);
    var model =
        ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(quant.resolve("model.onnx")));
    var g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("model.layers.0.mlp.up_proj.weight")) {
        var t = g.getInitializer(i);
        g.setInitializer(
            i,
            t.toBuilder()
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.INT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[64 * 128]))
                .build());
      }
    }
    Files.write(quant.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fast().build().train(sft, quant, dir.resolve("o2"), SftListener.none()));
    assertTrue(e.getMessage().contains("model.layers.0.mlp.up_proj.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("INT8"), e.getMessage());
  }
}
