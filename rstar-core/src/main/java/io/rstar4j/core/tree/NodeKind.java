package io.rstar4j.core.tree;

/** What a node of a saved reasoning tree is. Leaves are classified by it for data extraction. */
public enum NodeKind {
  /** The root: the question, no step. */
  ROOT,
  /** A code step that ran (or an unparsable one that was not terminated). */
  STEP,
  /** A final answer step ({@code \boxed{}}); terminal. */
  ANSWER,
  /** A code step made terminal by the consecutive-error threshold. */
  CODE_ERROR,
  /** A step made terminal by the depth limit. */
  TOO_DEEP,
  /** A generation that could not be parsed into a step; terminal. */
  UNPARSABLE;

  /** The lower-case name used in JSON. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Parses {@link #jsonName()}. */
  public static NodeKind fromJson(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
