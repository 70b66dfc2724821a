package io.rstar4j.verify.grade;

import java.util.List;

/** A final answer read into structure: the closed set of shapes the grader compares. */
sealed interface Answer {

  /** Rank used to order a pair before comparing, so that comparison is symmetric. */
  int rank();

  /** A multiple-choice letter A-E. */
  record Choice(char letter) implements Answer {
    @Override
    public int rank() {
      return 0;
    }
  }

  /**
   * Text that is not mathematics (or not understood): compared by its key (lower case, no spaces);
   * {@code source} is the normalised text, for the symbolic back end.
   */
  record Text(String text, String source) implements Answer {
    @Override
    public int rank() {
      return 1;
    }
  }

  /**
   * A number or an expression.
   *
   * @param percent written with a percent sign
   * @param degree written with a degree sign
   */
  record Scalar(Expr expr, String text, boolean percent, boolean degree) implements Answer {
    @Override
    public int rank() {
      return 2;
    }
  }

  /** {@code x = 5}, {@code (p, q) = (3, 2)}, {@code x \in [1, 2]}, {@code x \approx 2.5}. */
  record Assign(List<String> names, Answer value) implements Answer {
    @Override
    public int rank() {
      return 3;
    }
  }

  /** An equation that is not an assignment, such as {@code 2x + 3y = 6}. */
  record Equation(Expr lhs, Expr rhs) implements Answer {
    @Override
    public int rank() {
      return 4;
    }
  }

  /** An inequality {@code lhs op rhs}, op one of {@code < > ≤ ≥ ≠}. */
  record Relation(Expr lhs, char op, Expr rhs) implements Answer {
    @Override
    public int rank() {
      return 5;
    }
  }

  /** A union of intervals on the real line, from a chain such as {@code 1 \le x < 2}. */
  record Intervals(List<Interval> parts) implements Answer {
    @Override
    public int rank() {
      return 6;
    }
  }

  /** An ordered tuple or an interval written with brackets: {@code (1, 2)}, {@code [0, 1)}. */
  record Tuple(List<Answer> items, char open, char close) implements Answer {
    @Override
    public int rank() {
      return 7;
    }
  }

  /**
   * Several answers whose order does not matter: a set {@code \{1, 2\}}, a list of solutions {@code
   * 1, 2} or {@code x = 1 or x = 2} (bare), a union of intervals, a {@code \pm} pair.
   *
   * @param bare written without enclosing brackets (may also match an ordered tuple)
   */
  record Several(List<Answer> items, boolean bare) implements Answer {
    @Override
    public int rank() {
      return 8;
    }
  }

  /** A matrix, rows of cells. */
  record Matrix(List<List<Answer>> rows) implements Answer {
    @Override
    public int rank() {
      return 9;
    }
  }

  /**
   * An answer with two readings, equal to whatever either reading equals: {@code 70,110} is the
   * number 70110 with a thousands separator or the list 70, 110.
   */
  record Either(Answer first, Answer second) implements Answer {
    @Override
    public int rank() {
      return 10;
    }
  }

  /** One interval with its end points (infinite ends are open). */
  record Interval(Expr lo, boolean loClosed, Expr hi, boolean hiClosed) {}
}
