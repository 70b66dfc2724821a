package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoldenExtractionTest {

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void sftRecordsMatchTheReferenceExactly(String base) {
    ReasoningTree tree = GoldenTrees.load(base);
    List<String> got = new ArrayList<>();
    for (SftRecord r :
        SftSelection.select(
            tree, ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive())) {
      got.add(r.toJsonLine());
    }
    assertEquals(GoldenTrees.lines(base + ".sft.jsonl"), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void pairsMatchTheReferenceExactly(String base) {
    ReasoningTree tree = GoldenTrees.load(base);
    List<String> got = new ArrayList<>();
    for (PreferencePair p : PreferencePairs.extract(tree, ExtractionConfig.reference())) {
      got.add(p.toJsonLine());
    }
    assertEquals(GoldenTrees.lines(base + ".pairs.jsonl"), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void unfilteredPairsMatchTheReference(String base) {
    ReasoningTree tree = GoldenTrees.load(base);
    List<CandidatePair> got = PreferencePairs.candidates(tree, ExtractionConfig.reference());
    List<String> want = GoldenTrees.lines(base + ".pairs-unfiltered.jsonl");
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      JsonObject w = JsonParser.parseString(want.get(i)).getAsJsonObject();
      JsonObject g = JsonParser.parseString(got.get(i).toJsonLine()).getAsJsonObject();
      assertEquals(
          new ArrayList<>(w.keySet()), new ArrayList<>(g.keySet()), "key order, record " + i);
      for (Map.Entry<String, JsonElement> e : w.entrySet()) {
        JsonElement ge = g.get(e.getKey());
        if (e.getKey().endsWith("margin")) {
          assertEquals(e.getValue().getAsDouble(), ge.getAsDouble(), 0.0, e.getKey() + " #" + i);
        } else {
          assertEquals(e.getValue(), ge, e.getKey() + " #" + i);
        }
      }
      // The floats are printed as Python prints them, so the lines are equal byte for byte.
      assertEquals(want.get(i), got.get(i).toJsonLine(), "record " + i);
    }
  }

  @Test
  void testTimeTreeGivesNothing() {
    ReasoningTree tree = GoldenTrees.load("example-3-test-time");
    assertEquals(
        List.of(),
        SftSelection.select(
            tree, ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive()));
    assertEquals(List.of(), PreferencePairs.candidates(tree, ExtractionConfig.reference()));
  }

  @Test
  void streamingExtractorWritesTheSameFilesAndSkipsMalformedLines() {
    String t1 = ReasoningTrees.toJsonLine(GoldenTrees.load("example-1-terminal-guided"));
    String t2 = ReasoningTrees.toJsonLine(GoldenTrees.load("example-2-ppm-augmented"));
    String t3 = ReasoningTrees.toJsonLine(GoldenTrees.load("example-3-test-time"));
    String input = t1 + "\n{not json\n\n" + t2 + "\n{\"question\":\"q\"}\n" + t3 + "\n";
    StringWriter sft = new StringWriter();
    StringWriter pairs = new StringWriter();
    StringWriter unfiltered = new StringWriter();
    List<LineError> seen = new ArrayList<>();
    ExtractionSummary s =
        new TrainingDataExtractor(
                ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive())
            .extract(
                new BufferedReader(new StringReader(input)), sft, pairs, unfiltered, seen::add);
    assertEquals(3, s.trees());
    assertEquals(List.of(2L, 5L), s.errors().stream().map(LineError::line).toList());
    assertEquals(s.errors(), seen);
    assertEquals(
        GoldenTrees.resource("example-1-terminal-guided.sft.jsonl")
            + GoldenTrees.resource("example-2-ppm-augmented.sft.jsonl"),
        sft.toString());
    assertEquals(
        GoldenTrees.resource("example-1-terminal-guided.pairs.jsonl")
            + GoldenTrees.resource("example-2-ppm-augmented.pairs.jsonl"),
        pairs.toString());
    assertEquals(
        GoldenTrees.resource("example-1-terminal-guided.pairs-unfiltered.jsonl")
            + GoldenTrees.resource("example-2-ppm-augmented.pairs-unfiltered.jsonl"),
        unfiltered.toString());
    assertEquals(2, s.sftRecords());
    assertEquals(5, s.pairs());
    assertEquals(12, s.candidatePairs());
  }
}
