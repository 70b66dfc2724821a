package io.rstar4j.train.evolve;

import io.rstar4j.core.internal.Checks;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The status of one self-evolution round, as its {@code round.json} holds it ({@link
 * RoundStatusFile} reads and writes it): what the round is, the last stage it completed, and the
 * results of every completed stage. A stage's result is present exactly when the round got past
 * that stage; the transitions ({@link #searched}, {@link #hardSearched}, {@link #extracted}, {@link
 * #ppmTrained}, {@link #done}) each move one stage on and refuse to run out of order.
 *
 * @param round the round, from 1
 * @param stage the last stage completed
 * @param problemSet a digest of the problem ids, to notice a changed problem set on resume
 * @param mode the search mode of the round
 * @param config the round's search settings, for the record
 * @param ppmUsed the PPM the round's search used (PPM modes only)
 * @param searched the first search's totals, from {@link Stage#SEARCHED}
 * @param hard the second search of the unsolved problems, when one ran (from {@link Stage#HARD})
 * @param extracted the extraction's counts, from {@link Stage#EXTRACTED}
 * @param ppm what PPM training produced, from {@link Stage#PPM}
 * @param policyUpdate what the policy trainer reported, at {@link Stage#DONE}
 */
record RoundStatus(
    int round,
    Stage stage,
    String problemSet,
    SearchMode mode,
    Settings config,
    Optional<PpmUsed> ppmUsed,
    Optional<Searched> searched,
    Optional<HardSearch> hard,
    Optional<Extracted> extracted,
    Optional<PpmResult> ppm,
    Optional<String> policyUpdate) {

  /** The stages of a round, in order; a status names the last one completed. */
  enum Stage {
    /** Nothing done yet (the round's header is written). */
    STARTED,
    /** The search over every problem is done. */
    SEARCHED,
    /** The second search of the unsolved problems is done (or was not needed). */
    HARD,
    /** SFT records and preference pairs are extracted. */
    EXTRACTED,
    /** The PPM is trained (or could not be: no backbone, no pairs). */
    PPM,
    /** The policy trainer ran: the round is complete. */
    DONE;

    /** The name in {@code round.json}. */
    String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #jsonName()}; empty for anything else. */
    static Optional<Stage> parse(String s) {
      for (Stage st : values()) {
        if (st.jsonName().equals(s)) {
          return Optional.of(st);
        }
      }
      return Optional.empty();
    }

    /** Whether this stage is {@code other} or later. */
    boolean reached(Stage other) {
      return compareTo(other) >= 0;
    }
  }

  /**
   * The round's search settings, for the record.
   *
   * @param c the selection rule's exploration constant; empty for a rule without one
   */
  record Settings(
      int rollouts, int candidates, int maxDepth, OptionalDouble c, int errorsThreshold) {
    Settings {
      Objects.requireNonNull(c, "c");
    }

    static Settings of(SearchConfig config) {
      return new Settings(
          config.rollouts(),
          config.candidates(),
          config.engine().maxDepth(),
          config.engine().rule().explorationConstant(),
          config.errorsThreshold());
    }
  }

  /** The PPM a PPM-mode search used. */
  sealed interface PpmUsed {
    /** No earlier round trained one: an untrained value head (every score 0). */
    record Untrained() implements PpmUsed {}

    /**
     * The PPM an earlier round trained.
     *
     * @param path its directory, relative to the output directory
     */
    record Trained(String path) implements PpmUsed {
      public Trained {
        Checks.nonBlank("path", path);
      }
    }
  }

  /**
   * The first search's totals.
   *
   * @param problems problems searched
   * @param solved problems whose chosen answer matched a gold answer, counting those the second
   *     search solved once it ran
   * @param unsolved the ids the first search left unsolved
   */
  record Searched(int problems, int solved, List<String> unsolved) {
    Searched {
      unsolved = List.copyOf(unsolved);
    }
  }

  /**
   * The second search of the unsolved problems.
   *
   * @param problems problems searched again
   * @param rollouts rollouts per problem
   * @param solved problems it solved
   */
  record HardSearch(int problems, int rollouts, int solved) {}

  /** The extraction's counts. */
  record Extracted(long trees, long sftRecords, long pairs) {}

  /** What PPM training produced. */
  sealed interface PpmResult {
    /** No PPM was trained (no backbone, or no preference pairs). */
    record NotTrained() implements PpmResult {}

    /**
     * A PPM was trained.
     *
     * @param dir its directory, relative to the round's
     */
    record Trained(String dir) implements PpmResult {
      public Trained {
        Checks.nonBlank("dir", dir);
      }
    }
  }

  /**
   * Validates: a stage's result is present exactly when the stage was reached.
   *
   * @throws IllegalArgumentException if a result is present before its stage or missing after it
   * @throws NullPointerException if a component is null
   */
  RoundStatus {
    Checks.positive("round", round);
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(problemSet, "problemSet");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(ppmUsed, "ppmUsed");
    requireAt(stage, Stage.SEARCHED, searched, "searched");
    if (hard.isPresent() && !stage.reached(Stage.HARD)) {
      throw new IllegalArgumentException("a hard search result before stage hard");
    }
    requireAt(stage, Stage.EXTRACTED, extracted, "extracted");
    requireAt(stage, Stage.PPM, ppm, "ppm");
    requireAt(stage, Stage.DONE, policyUpdate, "policyUpdate");
  }

  private static void requireAt(Stage stage, Stage from, Optional<?> result, String name) {
    Objects.requireNonNull(result, name);
    if (result.isPresent() != stage.reached(from)) {
      throw new IllegalArgumentException(
          name + " must be present exactly from stage " + from.jsonName() + " (at " + stage + ")");
    }
  }

  /** A round that has not started any stage. */
  static RoundStatus started(int round, String problemSet, SearchConfig config) {
    return new RoundStatus(
        round,
        Stage.STARTED,
        problemSet,
        config.mode(),
        Settings.of(config),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** This status with the header of the current run (problem set, mode, settings). */
  RoundStatus reconfigured(String problemSet, SearchConfig config) {
    return new RoundStatus(
        round,
        stage,
        problemSet,
        config.mode(),
        Settings.of(config),
        ppmUsed,
        searched,
        hard,
        extracted,
        ppm,
        policyUpdate);
  }

  /** This round back at its start, every result dropped (the problem set changed). */
  RoundStatus reopened() {
    return new RoundStatus(
        round,
        Stage.STARTED,
        problemSet,
        mode,
        config,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * The search is done.
   *
   * @throws IllegalStateException unless at {@link Stage#STARTED}
   */
  RoundStatus searched(Searched s, Optional<PpmUsed> used) {
    expect(Stage.STARTED);
    return new RoundStatus(
        round,
        Stage.SEARCHED,
        problemSet,
        mode,
        config,
        used,
        Optional.of(s),
        hard,
        extracted,
        ppm,
        policyUpdate);
  }

  /**
   * The second search of the unsolved problems is done, or was not needed (empty); its solved
   * problems count in {@link Searched#solved()}.
   *
   * @throws IllegalStateException unless at {@link Stage#SEARCHED}
   */
  RoundStatus hardSearched(Optional<HardSearch> h, Optional<PpmUsed> used) {
    expect(Stage.SEARCHED);
    Searched s = searched.orElseThrow();
    Searched total =
        h.map(x -> new Searched(s.problems(), s.solved() + x.solved(), s.unsolved())).orElse(s);
    return new RoundStatus(
        round,
        Stage.HARD,
        problemSet,
        mode,
        config,
        used.isPresent() ? used : ppmUsed,
        Optional.of(total),
        h,
        extracted,
        ppm,
        policyUpdate);
  }

  /**
   * The extraction is done.
   *
   * @throws IllegalStateException unless at {@link Stage#HARD}
   */
  RoundStatus extracted(Extracted e) {
    expect(Stage.HARD);
    return new RoundStatus(
        round,
        Stage.EXTRACTED,
        problemSet,
        mode,
        config,
        ppmUsed,
        searched,
        hard,
        Optional.of(e),
        ppm,
        policyUpdate);
  }

  /**
   * PPM training is done.
   *
   * @throws IllegalStateException unless at {@link Stage#EXTRACTED}
   */
  RoundStatus ppmTrained(PpmResult r) {
    expect(Stage.EXTRACTED);
    return new RoundStatus(
        round,
        Stage.PPM,
        problemSet,
        mode,
        config,
        ppmUsed,
        searched,
        hard,
        extracted,
        Optional.of(r),
        policyUpdate);
  }

  /**
   * The policy trainer ran: the round is complete.
   *
   * @throws IllegalStateException unless at {@link Stage#PPM}
   */
  RoundStatus done(String update) {
    expect(Stage.PPM);
    return new RoundStatus(
        round,
        Stage.DONE,
        problemSet,
        mode,
        config,
        ppmUsed,
        searched,
        hard,
        extracted,
        ppm,
        Optional.of(update));
  }

  private void expect(Stage s) {
    if (stage != s) {
      throw new IllegalStateException(
          "round " + round + " is at stage " + stage.jsonName() + ", not " + s.jsonName());
    }
  }

  /** Whether the round is complete. */
  boolean isDone() {
    return stage == Stage.DONE;
  }
}
