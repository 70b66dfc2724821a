package io.rstar4j.verify.grade;

import java.util.List;

/** A final answer read into structure: the closed set of shapes the grader compares. */
sealed interface Answer {

  /** Rank used to order a pair before comparing, so that comparison is symmetric. */
  int rank();

  /** What the answer was read as, for {@link Explanation.Reading#kind()}. */
  String kind();

  /**
   * The answer as read, in one canonical spelling, for {@link Explanation.Reading#normalized()}.
   */
  String show();

  private static String join(List<? extends Answer> items) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(items.get(i).show());
    }
    return sb.toString();
  }

  /** A multiple-choice letter A-E. */
  record Choice(char letter) implements Answer {
    @Override
    public int rank() {
      return 0;
    }

    @Override
    public String kind() {
      return "choice";
    }

    @Override
    public String show() {
      return String.valueOf(letter);
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

    @Override
    public String kind() {
      return "text";
    }

    @Override
    public String show() {
      return source;
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

    @Override
    public String kind() {
      return Expr.numeric(expr) ? "number" : "expression";
    }

    @Override
    public String show() {
      return expr.show() + (percent ? "%" : "") + (degree ? "°" : "");
    }
  }

  /** {@code x = 5}, {@code (p, q) = (3, 2)}, {@code x \in [1, 2]}, {@code x \approx 2.5}. */
  record Assign(List<String> names, Answer value) implements Answer {
    @Override
    public int rank() {
      return 3;
    }

    @Override
    public String kind() {
      return "assignment";
    }

    @Override
    public String show() {
      return (names.size() == 1 ? names.get(0) : "(" + String.join(", ", names) + ")")
          + " = "
          + value.show();
    }
  }

  /** An equation that is not an assignment, such as {@code 2x + 3y = 6}. */
  record Equation(Expr lhs, Expr rhs) implements Answer {
    @Override
    public int rank() {
      return 4;
    }

    @Override
    public String kind() {
      return "equation";
    }

    @Override
    public String show() {
      return lhs.show() + " = " + rhs.show();
    }
  }

  /** An inequality {@code lhs op rhs}, op one of {@code < > ≤ ≥ ≠}. */
  record Relation(Expr lhs, char op, Expr rhs) implements Answer {
    @Override
    public int rank() {
      return 5;
    }

    @Override
    public String kind() {
      return "relation";
    }

    @Override
    public String show() {
      return lhs.show() + " " + op + " " + rhs.show();
    }
  }

  /**
   * A union of intervals on the real line, from a chain such as {@code 1 \le x < 2} or an
   * absolute-value bound such as {@code 1 \le |x| \le 2}.
   *
   * @param fromAbsolute read from an absolute-value bound (for explanations)
   */
  record Intervals(List<Interval> parts, boolean fromAbsolute) implements Answer {
    Intervals(List<Interval> parts) {
      this(parts, false);
    }

    @Override
    public int rank() {
      return 6;
    }

    @Override
    public String kind() {
      return parts.size() == 1 ? "interval" : "intervals";
    }

    @Override
    public String show() {
      return Interval.show(parts);
    }
  }

  /** An ordered tuple or an interval written with brackets: {@code (1, 2)}, {@code [0, 1)}. */
  record Tuple(List<Answer> items, char open, char close) implements Answer {
    @Override
    public int rank() {
      return 7;
    }

    @Override
    public String kind() {
      return open == '(' && close == ')' ? "tuple" : "interval";
    }

    @Override
    public String show() {
      return open + join(items) + close;
    }
  }

  /**
   * Several answers whose order does not matter: a set {@code \{1, 2\}}, a list of solutions {@code
   * 1, 2} or {@code x = 1 or x = 2} (bare), a union of intervals, a {@code \pm} pair.
   *
   * @param bare written without enclosing brackets (may also match an ordered tuple)
   * @param union written as a union with {@code \cup} (for explanations)
   */
  record Several(List<Answer> items, boolean bare, boolean union) implements Answer {
    Several(List<Answer> items, boolean bare) {
      this(items, bare, false);
    }

    @Override
    public int rank() {
      return 8;
    }

    @Override
    public String kind() {
      return union ? "union" : bare ? "list" : "set";
    }

    @Override
    public String show() {
      if (union) {
        StringBuilder sb = new StringBuilder();
        for (Answer a : items) {
          sb.append(sb.length() == 0 ? "" : " ∪ ").append(a.show());
        }
        return sb.toString();
      }
      if (bare && !items.isEmpty() && items.get(0) instanceof Several inner && inner.bare()) {
        // groups of labelled values: a = 1, b = 4; a = 2, b = 3
        StringBuilder sb = new StringBuilder();
        for (Answer a : items) {
          sb.append(sb.length() == 0 ? "" : "; ").append(a.show());
        }
        return sb.toString();
      }
      return bare ? join(items) : "{" + join(items) + "}";
    }
  }

  /** A matrix, rows of cells. */
  record Matrix(List<List<Answer>> rows) implements Answer {
    private String showRows() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < rows.size(); i++) {
        sb.append(i > 0 ? ", [" : "[").append(join(rows.get(i))).append(']');
      }
      return sb.append(']').toString();
    }

    @Override
    public int rank() {
      return 9;
    }

    @Override
    public String kind() {
      return "matrix";
    }

    @Override
    public String show() {
      return showRows();
    }
  }

  /**
   * An answer with two readings, equal to whatever either reading equals: {@code 70,110} is the
   * number 70110 with a thousands separator or the list 70, 110; {@code 2,75} is the number 2.75
   * with a decimal comma or the list 2, 75.
   *
   * @param firstRule the rule that reads {@code first} (for explanations)
   * @param secondRule the rule that reads {@code second}
   */
  record Either(Answer first, Answer second, String firstRule, String secondRule)
      implements Answer {
    @Override
    public int rank() {
      return 10;
    }

    @Override
    public String kind() {
      return "either";
    }

    @Override
    public String show() {
      return first.show() + " | " + second.show();
    }
  }

  /** One interval with its end points (infinite ends are open). */
  record Interval(Expr lo, boolean loClosed, Expr hi, boolean hiClosed) {
    static String show(List<Interval> parts) {
      StringBuilder sb = new StringBuilder();
      for (Interval iv : parts) {
        if (sb.length() > 0) {
          sb.append(" ∪ ");
        }
        sb.append(iv.loClosed ? '[' : '(')
            .append(iv.lo.show())
            .append(", ")
            .append(iv.hi.show())
            .append(iv.hiClosed ? ']' : ')');
      }
      return sb.toString();
    }
  }
}
