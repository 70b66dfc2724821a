package io.rstar4j.train.evolve;

import java.nio.file.Path;
import java.util.List;

/**
 * A rerun whose {@link RunFingerprint} differs from the one its output was written with: the
 * message names the output, the differing fields with both values, and the ways on.
 */
public final class RunMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient Path output;
  private final List<String> fields;
  private final List<String> described;
  private final boolean extendOk;

  RunMismatchException(Path output, List<String> fields, List<String> described, boolean extendOk) {
    super(
        output
            + " was written by a run with other settings: "
            + String.join("; ", described)
            + ". Rerun with the same settings to resume it, or restart (the old run is moved"
            + " aside)"
            + (extendOk ? ", or extend it to the new problem set" : "")
            + ", or give another output");
    this.output = output;
    this.fields = List.copyOf(fields);
    this.described = List.copyOf(described);
    this.extendOk = extendOk;
  }

  /** Each differing field with both values: {@code "seed: was 1, now 2"}. */
  public List<String> differences() {
    return described;
  }

  /** Whether only the problem set differs, so that extending the run is possible. */
  public boolean extendable() {
    return extendOk;
  }

  /** The output that was refused. */
  public Path output() {
    return output;
  }

  /** The fields that differ, in the fingerprint's order. */
  public List<String> fields() {
    return fields;
  }
}
