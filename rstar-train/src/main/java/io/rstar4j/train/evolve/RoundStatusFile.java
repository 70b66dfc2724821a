package io.rstar4j.train.evolve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.io.AtomicFiles;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.RoundStatus.Extracted;
import io.rstar4j.train.evolve.RoundStatus.HardSearch;
import io.rstar4j.train.evolve.RoundStatus.PpmResult;
import io.rstar4j.train.evolve.RoundStatus.PpmUsed;
import io.rstar4j.train.evolve.RoundStatus.Searched;
import io.rstar4j.train.evolve.RoundStatus.Settings;
import io.rstar4j.train.evolve.RoundStatus.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The one codec of {@code round.json}: one JSON object,
 *
 * <pre>{@code
 * {"round": 3, "stage": "done", "complete": true, "problem_set": "3:1a2b...", "mode": "ppm-augmented",
 *  "config": {"rollouts": 16, "candidates": 12, "max_depth": 16, "c": 2.0, "errors_threshold": 1},
 *  "ppm_used": "round-2/ppm", "problems": 3, "solved": 3, "unsolved": [],
 *  "hard_problems": 1, "hard_rollouts": 64, "hard_solved": 1,
 *  "trees": 3, "sft_records": 5, "pairs": 4, "ppm": "ppm", "policy_update": "..."}
 * }</pre>
 *
 * with the keys of the stages not reached left out ({@code ppm} is {@code null} when no PPM was
 * trained, {@code ppm_used} is {@code untrained} when the search used an untrained value head and
 * absent outside the PPM modes, the {@code hard_} keys absent when no second search ran). It reads
 * the files every earlier version wrote (the same keys, in whatever order; a key of a stage not
 * reached is ignored, a missing count reads as 0). Written atomically.
 */
final class RoundStatusFile {
  /** The status file of a round directory. */
  static final String NAME = "round.json";

  private static final String UNTRAINED = "untrained";
  private static final String SERVED = "served:";

  private RoundStatusFile() {}

  /**
   * A round directory's status, if it has one.
   *
   * @throws IOException when it cannot be read or is malformed; the message names the file
   */
  static Optional<RoundStatus> read(Path dir) throws IOException {
    Path f = dir.resolve(NAME);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IOException(f + ": malformed round status: " + e.getMessage(), e);
    }
    Optional<Stage> stage =
        o.has("stage") && o.get("stage").isJsonPrimitive()
            ? Stage.parse(o.get("stage").getAsString())
            : Optional.empty();
    if (stage.isEmpty()) {
      throw new IOException(f + ": no valid \"stage\"");
    }
    try {
      return Optional.of(fromJson(o, stage.get()));
    } catch (RuntimeException e) {
      throw new IOException(f + ": malformed round status: " + e.getMessage(), e);
    }
  }

  private static RoundStatus fromJson(JsonObject o, Stage stage) {
    JsonObject c = o.has("config") ? o.getAsJsonObject("config") : new JsonObject();
    Settings config =
        new Settings(
            intOf(c, "rollouts"),
            intOf(c, "candidates"),
            intOf(c, "max_depth"),
            c.has("c") && !c.get("c").isJsonNull()
                ? OptionalDouble.of(c.get("c").getAsDouble())
                : OptionalDouble.empty(),
            intOf(c, "errors_threshold"));
    Optional<PpmUsed> used =
        o.has("ppm_used") && !o.get("ppm_used").isJsonNull()
            ? Optional.of(ppmUsed(o.get("ppm_used").getAsString()))
            : Optional.empty();
    Optional<Searched> searched = Optional.empty();
    if (stage.reached(Stage.SEARCHED)) {
      List<String> unsolved = new ArrayList<>();
      if (o.has("unsolved")) {
        o.getAsJsonArray("unsolved").forEach(e -> unsolved.add(e.getAsString()));
      }
      searched = Optional.of(new Searched(intOf(o, "problems"), intOf(o, "solved"), unsolved));
    }
    Optional<HardSearch> hard =
        stage.reached(Stage.HARD) && o.has("hard_problems")
            ? Optional.of(
                new HardSearch(
                    intOf(o, "hard_problems"), intOf(o, "hard_rollouts"), intOf(o, "hard_solved")))
            : Optional.empty();
    Optional<Extracted> extracted =
        stage.reached(Stage.EXTRACTED)
            ? Optional.of(
                new Extracted(longOf(o, "trees"), longOf(o, "sft_records"), longOf(o, "pairs")))
            : Optional.empty();
    Optional<PpmResult> ppm = Optional.empty();
    if (stage.reached(Stage.PPM)) {
      ppm =
          Optional.of(
              o.has("ppm") && !o.get("ppm").isJsonNull()
                  ? new PpmResult.Trained(o.get("ppm").getAsString())
                  : new PpmResult.NotTrained());
    }
    Optional<String> update =
        stage == Stage.DONE
            ? Optional.of(o.has("policy_update") ? o.get("policy_update").getAsString() : "")
            : Optional.empty();
    return new RoundStatus(
        intOf(o, "round"),
        stage,
        o.has("problem_set") ? o.get("problem_set").getAsString() : "",
        SearchMode.parse(required(o, "mode").getAsString()),
        config,
        used,
        searched,
        hard,
        extracted,
        ppm,
        update);
  }

  private static PpmUsed ppmUsed(String s) {
    if (s.startsWith(SERVED)) {
      return new PpmUsed.Served(s.substring(SERVED.length()));
    }
    return s.equals(UNTRAINED) ? new PpmUsed.Untrained() : new PpmUsed.Trained(s);
  }

  /** The JSON object of a status. */
  static JsonObject toJson(RoundStatus s) {
    JsonObject o = new JsonObject();
    o.addProperty("round", s.round());
    o.addProperty("stage", s.stage().jsonName());
    o.addProperty("complete", s.isDone());
    o.addProperty("problem_set", s.problemSet());
    o.addProperty("mode", s.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    JsonObject c = new JsonObject();
    c.addProperty("rollouts", s.config().rollouts());
    c.addProperty("candidates", s.config().candidates());
    c.addProperty("max_depth", s.config().maxDepth());
    if (s.config().c().isPresent()) {
      c.addProperty("c", s.config().c().getAsDouble());
    } else {
      c.add("c", JsonNull.INSTANCE);
    }
    c.addProperty("errors_threshold", s.config().errorsThreshold());
    o.add("config", c);
    s.ppmUsed()
        .ifPresent(
            u ->
                o.addProperty(
                    "ppm_used",
                    u instanceof PpmUsed.Trained t
                        ? t.path()
                        : u instanceof PpmUsed.Served v ? SERVED + v.name() : UNTRAINED));
    s.searched()
        .ifPresent(
            x -> {
              o.addProperty("problems", x.problems());
              o.addProperty("solved", x.solved());
              JsonArray unsolved = new JsonArray();
              x.unsolved().forEach(unsolved::add);
              o.add("unsolved", unsolved);
            });
    s.hard()
        .ifPresent(
            h -> {
              o.addProperty("hard_problems", h.problems());
              o.addProperty("hard_rollouts", h.rollouts());
              o.addProperty("hard_solved", h.solved());
            });
    s.extracted()
        .ifPresent(
            e -> {
              o.addProperty("trees", e.trees());
              o.addProperty("sft_records", e.sftRecords());
              o.addProperty("pairs", e.pairs());
            });
    s.ppm()
        .ifPresent(
            p ->
                o.add(
                    "ppm",
                    p instanceof PpmResult.Trained t
                        ? new com.google.gson.JsonPrimitive(t.dir())
                        : JsonNull.INSTANCE));
    s.policyUpdate().ifPresent(u -> o.addProperty("policy_update", u));
    return o;
  }

  /**
   * Writes a status, atomically (a temporary file in the same directory, then a rename).
   *
   * @throws IOException when it cannot be written
   */
  static void write(Path dir, RoundStatus s) throws IOException {
    AtomicFiles.writeString(dir.resolve(NAME), toJson(s).toString() + "\n");
  }

  private static JsonElement required(JsonObject o, String k) {
    JsonElement e = o.get(k);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("no \"" + k + "\"");
    }
    return e;
  }

  private static int intOf(JsonObject o, String k) {
    JsonElement e = o.get(k);
    return e == null || e.isJsonNull() ? 0 : e.getAsInt();
  }

  private static long longOf(JsonObject o, String k) {
    JsonElement e = o.get(k);
    return e == null || e.isJsonNull() ? 0 : e.getAsLong();
  }
}
