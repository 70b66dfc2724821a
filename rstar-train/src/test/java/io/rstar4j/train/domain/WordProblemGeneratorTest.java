package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import io.rstar4j.train.evolve.Benchmarks;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordProblemGeneratorTest {
  static List<WordProblem> train;
  static List<WordProblem> test;

  @BeforeAll
  static void generate() {
    train = WordProblemGenerator.builder().seed(42).count(1600).build().generate();
    test = WordProblemGenerator.builder().seed(42).split(Split.TEST).count(1600).build().generate();
  }

  static Stream<WordProblem> all() {
    return Stream.concat(train.stream(), test.stream());
  }

  @Test
  void sameSeedSameProblemsOtherSeedOthers() {
    List<WordProblem> again = WordProblemGenerator.builder().seed(42).count(200).build().generate();
    assertEquals(train.subList(0, 200), again);
    List<WordProblem> other = WordProblemGenerator.builder().seed(43).count(200).build().generate();
    int same = 0;
    for (int i = 0; i < 200; i++) {
      same += other.get(i).question().equals(train.get(i).question()) ? 1 : 0;
    }
    assertTrue(same < 5, same + " of 200 questions repeat under another seed");
  }

  @Test
  void problemIDependsOnlyOnSeedSplitAndIndex() {
    WordProblemGenerator g = WordProblemGenerator.builder().seed(42).count(3).build();
    assertEquals(train.get(1234), g.problem(1234));
    assertEquals(3, g.generate().size());
  }

  @Test
  void eachLevelDrawsItsOwnStories() {
    Set<String> firstSentences = new HashSet<>();
    for (int level = 1; level <= 8; level++) {
      WordProblem p = WordProblemGenerator.builder().seed(42).difficulty(level).build().problem(0);
      firstSentences.add(p.question().split("(?<=[.?!])\\s+")[0]);
    }
    assertTrue(firstSentences.size() >= 7, firstSentences.toString());
  }

  @Test
  void idsNameTheSplitAndIndex() {
    assertEquals("arith-train-000000", train.get(0).id());
    assertEquals("arith-test-000123", test.get(123).id());
    WordProblem p =
        WordProblemGenerator.builder().idPrefix("mini").count(1).build().generate().get(0);
    assertEquals("mini-train-000000", p.id());
    Set<String> ids = new HashSet<>();
    all().forEach(x -> assertTrue(ids.add(x.id())));
  }

  @Test
  void splitsUseTheirOwnStreams() {
    for (int i = 0; i < 50; i++) {
      assertNotEquals(train.get(i).question(), test.get(i).question());
    }
  }

  @Test
  void everyAnswerIsReDerivedFromThePlanByAnIndependentEvaluator() {
    all()
        .forEach(
            p -> {
              Map<String, PlanEvaluator.Frac> values = PlanEvaluator.evaluate(p.plan());
              for (PlanStep s : p.plan().steps()) {
                String v = values.get(s.variable()).decimal();
                assertEquals(s.value().toPlainString(), v, p.id() + " step " + s);
              }
              assertEquals(PlanEvaluator.answer(p.plan()), p.answer(), p.id());
              assertEquals(List.of(p.answer()), p.problem().goldAnswers());
            });
  }

  @Test
  void answersAreShortExactDecimals() {
    all()
        .forEach(
            p -> {
              BigDecimal a = new BigDecimal(p.answer());
              assertTrue(a.signum() > 0, p.id() + ": " + p.answer());
              assertTrue(a.scale() <= 2, p.id() + ": " + p.answer());
              assertFalse(p.answer().endsWith(".0"), p.id());
              for (PlanStep s : p.plan().steps()) {
                assertTrue(s.value().signum() > 0 && s.value().scale() <= 2, p.id() + " " + s);
              }
            });
  }

  @Test
  void operationsPerLevelStayInTheirRangeAndGrow() {
    Map<Integer, List<WordProblem>> byLevel = byLevel(train);
    double previous = 0;
    for (int level = 1; level <= 8; level++) {
      List<WordProblem> ps = byLevel.get(level);
      assertEquals(200, ps.size(), "levels cycle through 1..8");
      int lo = Composer.OPS[level - 1][0];
      int hi = Composer.OPS[level - 1][1];
      double mean = 0;
      Set<Integer> seen = new HashSet<>();
      for (WordProblem p : ps) {
        int n = p.plan().steps().size();
        assertTrue(n >= lo && n <= hi, p.id() + " has " + n + " operations at level " + level);
        seen.add(n);
        mean += n;
        assertTrue(p.distractors() <= Composer.maxDistractors(level));
      }
      mean /= ps.size();
      assertTrue(mean > previous, "mean operations must grow: level " + level + " " + mean);
      assertEquals(hi - lo + 1, seen.size(), "every count in " + lo + ".." + hi + " occurs");
      previous = mean;
    }
  }

  @Test
  void distractorsAndNumbersGrowWithLevel() {
    Map<Integer, List<WordProblem>> byLevel = byLevel(train);
    double d1 = meanDistractors(byLevel.get(1));
    double d8 = meanDistractors(byLevel.get(8));
    assertTrue(d8 > d1 + 0.5, "distractors " + d1 + " -> " + d8);
    assertTrue(meanLargest(byLevel.get(8)) > 4 * meanLargest(byLevel.get(1)));
    List<WordProblem> none =
        WordProblemGenerator.builder().distractorRate(0).count(80).build().generate();
    for (WordProblem p : none) {
      assertEquals(0, p.distractors());
    }
  }

  @Test
  void distractorSentencesPlayNoPartInThePlan() {
    Map<String, Template> byId = new HashMap<>();
    for (Template t : Templates.ALL) {
      byId.put(t.id, t);
    }
    int withDistractors = 0;
    for (WordProblem p : train) {
      String[] sentences = p.question().split("(?<=[.?!])\\s+");
      StringBuilder without = new StringBuilder();
      int removed = 0;
      for (int i = 0; i < sentences.length; i++) {
        if (byId.get(p.templates().get(i)).event == Event.DISTRACTOR) {
          removed++;
          continue;
        }
        without.append(without.length() == 0 ? "" : " ").append(sentences[i]);
      }
      assertEquals(p.distractors(), removed, p.id());
      if (removed > 0) {
        withDistractors++;
        List<PlanStep> plan = new ArrayList<>();
        for (Story.ReadStep r : Reader.read(without.toString()).steps()) {
          plan.add(r.plan());
        }
        assertEquals(p.plan().steps(), plan, p.id() + " without its distractors: " + without);
      }
    }
    assertTrue(withDistractors > 500, "problems with distractors: " + withDistractors);
  }

  @Test
  void testSplitUsesOnlyHeldOutTemplatesAndTrainNeverDoes() {
    Set<String> held = Templates.heldOut(0.25);
    Set<String> trainIds = new HashSet<>();
    Set<String> testIds = new HashSet<>();
    train.forEach(p -> trainIds.addAll(p.templates()));
    test.forEach(p -> testIds.addAll(p.templates()));
    for (String id : trainIds) {
      assertFalse(held.contains(id), "train used held-out template " + id);
    }
    for (String id : testIds) {
      assertTrue(held.contains(id), "test used training template " + id);
    }
    Set<String> both = new HashSet<>(trainIds);
    both.retainAll(testIds);
    assertTrue(both.isEmpty(), "shared templates " + both);
    // the held-out share is about a quarter of every group, at least one on each side
    Map<String, int[]> groups = new HashMap<>();
    for (Template t : Templates.ALL) {
      int[] c = groups.computeIfAbsent(t.group(), k -> new int[2]);
      c[held.contains(t.id) ? 1 : 0]++;
    }
    for (Map.Entry<String, int[]> e : groups.entrySet()) {
      int[] c = e.getValue();
      assertTrue(c[0] >= 1 && c[1] >= 1, e.getKey());
      assertEquals(Math.max(1, Math.min(c[0] + c[1] - 1, Math.round(0.25 * (c[0] + c[1])))), c[1]);
    }
    assertEquals(held, Templates.heldOut(0.25), "hold-out does not depend on anything else");
  }

  @Test
  void withNoHoldOutBothSplitsShareTemplates() {
    Set<String> a = new HashSet<>();
    Set<String> b = new HashSet<>();
    WordProblemGenerator.builder()
        .heldOutTemplateShare(0)
        .count(400)
        .build()
        .generate()
        .forEach(p -> a.addAll(p.templates()));
    WordProblemGenerator.builder()
        .heldOutTemplateShare(0)
        .split(Split.TEST)
        .count(400)
        .build()
        .generate()
        .forEach(p -> b.addAll(p.templates()));
    a.retainAll(b);
    assertTrue(a.size() > 50);
  }

  @Test
  void everyTemplateIsUsedAndEveryOperationKindOccurs() {
    Set<String> used = new HashSet<>();
    EnumSet<OpKind> kinds = EnumSet.noneOf(OpKind.class);
    Stream.concat(
            WordProblemGenerator.builder().seed(7).count(6000).build().generate().stream(),
            WordProblemGenerator.builder()
                .seed(7)
                .split(Split.TEST)
                .count(6000)
                .build()
                .generate()
                .stream())
        .forEach(
            p -> {
              used.addAll(p.templates());
              kinds.addAll(p.operations());
            });
    List<String> unused = new ArrayList<>();
    for (Template t : Templates.ALL) {
      if (!used.contains(t.id)) {
        unused.add(t.toString());
      }
    }
    assertTrue(unused.isEmpty(), "templates never used: " + unused);
    assertEquals(EnumSet.allOf(OpKind.class), kinds);
  }

  @Test
  void everyOperationKindHasAtLeastFivePhrasingsAndQuestionsHaveSeveralForms() {
    Map<OpKind, Set<String>> phrasings = new EnumMap<>(OpKind.class);
    WordProblemGenerator.builder()
        .seed(9)
        .count(4000)
        .build()
        .generate()
        .forEach(p -> collect(p, phrasings));
    WordProblemGenerator.builder()
        .seed(9)
        .split(Split.TEST)
        .count(4000)
        .build()
        .generate()
        .forEach(p -> collect(p, phrasings));
    for (OpKind k : OpKind.values()) {
      assertTrue(
          phrasings.getOrDefault(k, Set.of()).size() >= 5,
          k + " worded by only " + phrasings.get(k));
    }
    for (Dim d : Dim.values()) {
      assertTrue(Templates.group(Event.Q_CURRENT, d).size() >= 4, "question forms for " + d);
    }
    int questionTemplates = 0;
    for (Template t : Templates.ALL) {
      questionTemplates += t.event.role == Event.Role.QUESTION ? 1 : 0;
    }
    assertTrue(questionTemplates >= 40, "question templates: " + questionTemplates);
  }

  /** The templates of the sentences that produce a step of each kind. */
  private static void collect(WordProblem p, Map<OpKind, Set<String>> out) {
    Story story = new Story(false);
    List<String> ids = p.templates();
    String[] sentences = p.question().split("(?<=[.?!])\\s+");
    assertEquals(ids.size(), sentences.length, p.id());
    Map<String, Template> byId = new HashMap<>();
    for (Template t : Templates.ALL) {
      byId.put(t.id, t);
    }
    for (int i = 0; i < sentences.length; i++) {
      Template t = byId.get(ids.get(i));
      Map<String, String> slots = t.match(sentences[i]);
      assertTrue(slots != null, p.id() + ": template " + t + " does not match " + sentences[i]);
      int before = story.stepCount();
      story.apply(t, slots);
      for (int k = before; k < story.stepCount(); k++) {
        out.computeIfAbsent(story.steps().get(k).plan().kind(), x -> new HashSet<>()).add(t.id);
      }
    }
  }

  @Test
  void difficultyMixDrawsLevelsByWeight() {
    Map<Integer, Double> mix = new TreeMap<>();
    mix.put(2, 1.0);
    mix.put(7, 3.0);
    List<WordProblem> ps =
        WordProblemGenerator.builder().difficultyMix(mix).count(400).build().generate();
    int sevens = 0;
    for (WordProblem p : ps) {
      assertTrue(p.difficulty() == 2 || p.difficulty() == 7);
      sevens += p.difficulty() == 7 ? 1 : 0;
    }
    assertTrue(sevens > 250 && sevens < 350, "level 7 drawn " + sevens + " of 400 at weight 3/4");
    for (WordProblem p :
        WordProblemGenerator.builder().difficulty(5).count(20).build().generate()) {
      assertEquals(5, p.difficulty());
    }
  }

  @Test
  void builderValidatesAndRefusesConflicts() {
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().difficulty(0));
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().difficulty(9));
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().difficulty(5, 3));
    assertThrows(IllegalArgumentException.class, () -> WordProblemGenerator.builder().count(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> WordProblemGenerator.builder().heldOutTemplateShare(0.95));
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().distractorRate(1.5));
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().idPrefix("a b"));
    assertThrows(
        IllegalArgumentException.class,
        () -> WordProblemGenerator.builder().difficultyMix(Map.of(3, -1.0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> WordProblemGenerator.builder().difficultyMix(Map.of(3, 0.0)));
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class, () -> WordProblemGenerator.builder().seed(1).seed(2));
    assertEquals("seed was already set", twice.getMessage());
    IllegalStateException conflict =
        assertThrows(
            IllegalStateException.class,
            () -> WordProblemGenerator.builder().difficulty(3).difficultyMix(Map.of(2, 1.0)));
    assertTrue(conflict.getMessage().contains("difficulty was already set"));
    assertThrows(
        IllegalArgumentException.class, () -> WordProblemGenerator.builder().build().problem(-1));
  }

  @Test
  void wordProblemValidates() {
    WordProblem p = train.get(0);
    Problem wrong = Problem.of(p.id(), p.question(), "999999");
    assertThrows(
        IllegalArgumentException.class,
        () -> new WordProblem(wrong, p.split(), p.difficulty(), p.plan(), p.templates(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WordProblem(p.problem(), p.split(), 9, p.plan(), p.templates(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WordProblem(p.problem(), p.split(), 1, p.plan(), List.of(), 0));
    PlanStep s = p.plan().steps().get(0);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SolutionPlan(
                List.of(
                    new PlanStep(
                        s.variable(),
                        s.kind(),
                        s.arithmetic(),
                        s.operands(),
                        s.value().add(BigDecimal.ONE)))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SolutionPlan(
                List.of(
                    new PlanStep(
                        "x",
                        OpKind.GAIN,
                        Arithmetic.ADD,
                        List.of(new Operand.Ref("y"), new Operand.Literal(BigDecimal.ONE)),
                        BigDecimal.ONE))));
  }

  @Test
  void writesABenchmarkFileThatLoadsBack(@TempDir Path dir) throws Exception {
    List<Problem> problems = WordProblems.problems(test.subList(0, 40));
    Path file = dir.resolve("sub/arith_test.json");
    WordProblems.writeBenchmark(file, problems);
    assertEquals(problems, Benchmarks.load(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(
        text.startsWith(
            "[\n    {\n        \"index\": \"arith-test-000000\",\n        \"question\": "));
    JsonArray a = JsonParser.parseString(text).getAsJsonArray();
    JsonObject first = a.get(0).getAsJsonObject();
    assertEquals(List.of("index", "question", "answer"), new ArrayList<>(first.keySet()));
    // overwriting is atomic too, and duplicate ids are refused
    WordProblems.writeBenchmark(file, problems.subList(0, 3));
    assertEquals(3, Benchmarks.load(file).size());
    assertThrows(
        IllegalArgumentException.class,
        () -> WordProblems.writeBenchmark(file, List.of(problems.get(0), problems.get(0))));
    assertEquals(3, Benchmarks.load(file).size());
  }

  @Test
  void distributionSummaryPerLevel() {
    String table = WordProblems.summary(train);
    System.out.println("train split, seed 42, 1600 problems\n" + table);
    System.out.println("test split, seed 42, 1600 problems\n" + WordProblems.summary(test));
    for (int level = 1; level <= 8; level++) {
      assertTrue(table.contains("\n" + level + " "), table);
    }
    for (int level = 1; level <= 8; level++) {
      WordProblem tr = byLevel(train).get(level).get(0);
      WordProblem te = byLevel(test).get(level).get(0);
      System.out.println("level " + level + " train: " + tr.question() + " -> " + tr.answer());
      System.out.println("level " + level + " test:  " + te.question() + " -> " + te.answer());
    }
  }

  private static Map<Integer, List<WordProblem>> byLevel(List<WordProblem> ps) {
    Map<Integer, List<WordProblem>> m = new TreeMap<>();
    for (WordProblem p : ps) {
      m.computeIfAbsent(p.difficulty(), k -> new ArrayList<>()).add(p);
    }
    return m;
  }

  private static double meanDistractors(List<WordProblem> ps) {
    return ps.stream().mapToInt(WordProblem::distractors).average().orElse(0);
  }

  private static double meanLargest(List<WordProblem> ps) {
    double sum = 0;
    for (WordProblem p : ps) {
      double best = 0;
      for (BigDecimal b : Reader.read(p.question()).allNumbers()) {
        best = Math.max(best, b.doubleValue());
      }
      sum += best;
    }
    return sum / ps.size();
  }
}
