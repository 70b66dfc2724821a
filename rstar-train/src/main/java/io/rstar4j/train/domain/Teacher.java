package io.rstar4j.train.domain;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the bootstrap policy's candidate steps: from a reading of the question and the steps so
 * far, the next step of a solution in the reference's code-augmented format, with at most one
 * mistake drawn per step.
 */
final class Teacher {
  private static final Pattern ASSIGNED =
      Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)");
  static final String PRINT_COMMENT = "# Now print the final answer";

  /** One candidate: its text and the mistake it carries (null when it is correct). */
  record Candidate(String text, Mistake mistake) {}

  private final Map<Mistake, Double> rates;
  private final double growth;
  private final double maxRate;

  Teacher(Map<Mistake, Double> rates, double growth, double maxRate) {
    this.rates = new EnumMap<>(rates);
    this.growth = growth;
    this.maxRate = maxRate;
  }

  /** The per-step probability of a mistake kind for a question read as {@code operations} steps. */
  double rate(Mistake m, int operations) {
    double base = rates.getOrDefault(m, 0.0);
    return Math.min(maxRate, base * (1 + growth * Math.max(0, operations - 1)));
  }

  /** Where a partial solution stands, read from its steps. */
  private static final class State {
    int codeSteps;
    final List<String> assignedOrder = new ArrayList<>();
    final Set<String> assigned = new LinkedHashSet<>();
    Step.Code endOfCode;
    Step.Answer answer;
  }

  private static State state(Trajectory partial) {
    State st = new State();
    for (Step s : partial.steps()) {
      if (s instanceof Step.Answer a) {
        st.answer = a;
        continue;
      }
      if (!(s instanceof Step.Code c)) {
        continue;
      }
      st.codeSteps++;
      Matcher m = ASSIGNED.matcher(c.code());
      while (m.find()) {
        st.assignedOrder.add(m.group(1));
        st.assigned.add(m.group(1));
      }
      if (c.endsBlock()) {
        st.endOfCode = c;
      }
    }
    return st;
  }

  /** The candidate for one sample. */
  Candidate write(Reader.Reading reading, Trajectory partial, SplittableRandom rng) {
    State st = state(partial);
    if (st.answer != null) {
      return new Candidate(st.answer.text(), null);
    }
    int ops = reading.hasPlan() ? reading.steps().size() : 1;
    if (st.endOfCode != null) {
      return answer(st.endOfCode, ops, rng);
    }
    if (!reading.hasPlan()) {
      return guess(reading, st, rng);
    }
    Mistake drawn = draw(ops, rng);
    List<Story.ReadStep> steps = reading.steps();
    int last = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (st.assigned.contains(steps.get(i).plan().variable())) {
        last = i;
      }
    }
    int next = last + 1;
    Map<String, String> subst = new HashMap<>();
    for (int i = 0; i < next; i++) {
      PlanStep p = steps.get(i).plan();
      if (!st.assigned.contains(p.variable())) {
        subst.put(p.variable(), text(p.operands().get(0), subst));
      }
    }
    String open = st.codeSteps == 0 ? StepFormat.CODE + "\n" : "\n\n";
    if (next >= steps.size()) {
      return print(steps, st, subst, open, drawn, rng);
    }
    Candidate c = null;
    if (drawn != null) {
      c = mistaken(drawn, reading, steps, next, st, subst, open, rng);
    }
    if (c == null) {
      c =
          new Candidate(
              code(open, steps.get(next), line(steps.get(next).plan(), subst), rng), null);
    }
    return c;
  }

  private Mistake draw(int ops, SplittableRandom rng) {
    double u = rng.nextDouble();
    double acc = 0;
    for (Mistake m : Mistake.values()) {
      acc += rate(m, ops);
      if (u < acc) {
        return m;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ steps

  private Candidate mistaken(
      Mistake m,
      Reader.Reading reading,
      List<Story.ReadStep> steps,
      int j,
      State st,
      Map<String, String> subst,
      String open,
      SplittableRandom rng) {
    Story.ReadStep rs = steps.get(j);
    PlanStep p = rs.plan();
    List<String> ops = texts(p.operands(), subst);
    switch (m) {
      case WRONG_OPERATOR -> {
        String e = wrongOperator(p, ops);
        return e == null ? null : new Candidate(code(open, rs, p.variable() + " = " + e, rng), m);
      }
      case WRONG_OPERAND -> {
        List<String> w = new ArrayList<>(ops);
        for (int i = 0; i < p.operands().size(); i++) {
          if (p.operands().get(i) instanceof Operand.Ref) {
            String other = null;
            for (int k = st.assignedOrder.size() - 1; k >= 0; k--) {
              String v = st.assignedOrder.get(k);
              if (!v.equals(ops.get(i))) {
                other = v;
                break;
              }
            }
            if (other != null) {
              w.set(i, other);
              return new Candidate(
                  code(open, rs, p.variable() + " = " + expr(p.arithmetic(), w), rng), m);
            }
          }
        }
        for (int i : statedPositions(p)) {
          BigDecimal have = ((Operand.Literal) p.operands().get(i)).value();
          List<BigDecimal> others = new ArrayList<>();
          for (BigDecimal b : reading.stated()) {
            if (b.compareTo(have) != 0 && !others.contains(b)) {
              others.add(b);
            }
          }
          if (!others.isEmpty()) {
            w.set(i, Numbers.text(others.get(rng.nextInt(others.size()))));
            return new Candidate(
                code(open, rs, p.variable() + " = " + expr(p.arithmetic(), w), rng), m);
          }
        }
        if ((p.arithmetic() == Arithmetic.SUBTRACT || p.arithmetic() == Arithmetic.DIVIDE)
            && !ops.get(0).equals(ops.get(1))) {
          return new Candidate(
              code(
                  open,
                  rs,
                  p.variable() + " = " + expr(p.arithmetic(), List.of(ops.get(1), ops.get(0))),
                  rng),
              m);
        }
        return null;
      }
      case COPIED_WRONG_NUMBER -> {
        List<Integer> pos = statedPositions(p);
        if (pos.isEmpty()) {
          return null;
        }
        int i = pos.get(rng.nextInt(pos.size()));
        BigDecimal have = ((Operand.Literal) p.operands().get(i)).value();
        BigDecimal wrong = null;
        List<BigDecimal> ds = reading.distractorNumbers();
        if (!ds.isEmpty() && rng.nextBoolean()) {
          BigDecimal d = ds.get(rng.nextInt(ds.size()));
          if (d.compareTo(have) != 0) {
            wrong = d;
          }
        }
        if (wrong == null) {
          wrong = slip(have, rng);
        }
        List<String> w = new ArrayList<>(ops);
        w.set(i, Numbers.text(wrong));
        return new Candidate(
            code(open, rs, p.variable() + " = " + expr(p.arithmetic(), w), rng), m);
      }
      case DROPPED_STEP -> {
        Map<String, String> s2 = new HashMap<>(subst);
        s2.put(p.variable(), ops.get(0));
        if (j + 1 >= steps.size()) {
          return new Candidate(printText(open, s2.getOrDefault(p.variable(), p.variable())), m);
        }
        Story.ReadStep nextStep = steps.get(j + 1);
        return new Candidate(code(open, nextStep, line(nextStep.plan(), s2), rng), m);
      }
      case REPEATED_STEP -> {
        if (j == 0) {
          return null;
        }
        Story.ReadStep prev = steps.get(j - 1);
        PlanStep pp = prev.plan();
        if (!st.assigned.contains(pp.variable())) {
          return null;
        }
        List<String> w = texts(pp.operands(), subst);
        w.set(0, pp.variable());
        return new Candidate(
            code(open, prev, pp.variable() + " = " + expr(pp.arithmetic(), w), rng), m);
      }
      case PYTHON_ERROR -> {
        String e = expr(p.arithmetic(), ops);
        String bad =
            switch (rng.nextInt(3)) {
              case 0 -> nameError(p, ops, st, rs);
              case 1 ->
                  e.contains(")")
                      ? p.variable() + " = " + removeLast(e, ')')
                      : p.variable() + " = (" + e;
              default ->
                  p.variable()
                      + " = "
                      + e
                      + " / ("
                      + ops.get(ops.size() - 1)
                      + " - "
                      + ops.get(ops.size() - 1)
                      + ")";
            };
        return new Candidate(code(open, rs, bad, rng), m);
      }
      case PREMATURE_ANSWER -> {
        // Not at the first step: an answer among the root's candidates would be the only child
        // the search keeps (answer steps have width 1), ending the whole tree at once.
        if (j == 0 || st.assignedOrder.isEmpty()) {
          return null;
        }
        return new Candidate(printText(open, st.assignedOrder.get(st.assignedOrder.size() - 1)), m);
      }
      default -> throw new IllegalStateException("unhandled mistake " + m);
    }
  }

  private Candidate print(
      List<Story.ReadStep> steps,
      State st,
      Map<String, String> subst,
      String open,
      Mistake drawn,
      SplittableRandom rng) {
    String var = steps.get(steps.size() - 1).plan().variable();
    String shown = subst.getOrDefault(var, var);
    if (drawn == Mistake.PYTHON_ERROR) {
      if (rng.nextBoolean()) {
        return new Candidate(
            open + PRINT_COMMENT + "\nprint(" + shown + "\n" + StepFormat.END_OF_CODE, drawn);
      }
      return new Candidate(printText(open, misspell(shown, st.assigned)), drawn);
    }
    if (drawn == Mistake.WRONG_OPERAND) {
      for (int k = st.assignedOrder.size() - 1; k >= 0; k--) {
        String v = st.assignedOrder.get(k);
        if (!v.equals(shown)) {
          return new Candidate(printText(open, v), drawn);
        }
      }
    }
    return new Candidate(printText(open, shown), null);
  }

  private Candidate answer(Step.Code endOfCode, int ops, SplittableRandom rng) {
    ExecutionOutcome out = endOfCode.outcome().orElse(null);
    String value = out == null ? "" : out.text().strip();
    String shown = value;
    BigDecimal num = null;
    try {
      num = Numbers.canonical(new BigDecimal(value));
      shown = Numbers.text(num);
    } catch (NumberFormatException e) {
      int nl = shown.indexOf('\n');
      if (nl >= 0) {
        shown = shown.substring(0, nl);
      }
      if (shown.length() > 60) {
        shown = shown.substring(0, 60);
      }
    }
    if (num != null && rng.nextDouble() < rate(Mistake.COPIED_WRONG_NUMBER, ops)) {
      return new Candidate(
          answerText(Numbers.text(slip(num, rng)), rng), Mistake.COPIED_WRONG_NUMBER);
    }
    return new Candidate(answerText(shown, rng), null);
  }

  /** What the policy writes for a question it cannot read: a guess from the numbers it sees. */
  private Candidate guess(Reader.Reading reading, State st, SplittableRandom rng) {
    String open = st.codeSteps == 0 ? StepFormat.CODE + "\n" : "\n\n";
    if (st.assigned.contains("result")) {
      return new Candidate(printText(open, "result"), null);
    }
    List<BigDecimal> nums = reading.allNumbers();
    if (nums.isEmpty()) {
      return new Candidate(answerText("0", rng), null);
    }
    List<String> t = new ArrayList<>();
    for (BigDecimal b : nums) {
      t.add(Numbers.text(b));
    }
    String comment;
    String e;
    int kind = nums.size() < 2 ? 3 : rng.nextInt(4);
    switch (kind) {
      case 0 -> {
        comment = "# Add up the numbers given in the question";
        e = String.join(" + ", t);
      }
      case 1 -> {
        comment = "# Multiply the first two numbers";
        e = t.get(0) + " * " + t.get(1);
      }
      case 2 -> {
        comment = "# Find the difference between the first two numbers";
        e = t.get(0) + " - " + t.get(1);
      }
      default -> {
        comment = "# The answer is the last number in the question";
        e = t.get(t.size() - 1);
      }
    }
    return new Candidate(open + comment + "\nresult = " + e + "\n" + StepFormat.END_OF_STEP, null);
  }

  // ------------------------------------------------------------------ text

  private static String printText(String open, String var) {
    return open + PRINT_COMMENT + "\nprint(" + var + ")\n" + StepFormat.END_OF_CODE;
  }

  private static final String[] ANSWER_FORMS = {
    "The answer is \\boxed{%s}.",
    "Therefore, the answer is \\boxed{%s}.",
    "So the final answer is \\boxed{%s}."
  };

  private static String answerText(String value, SplittableRandom rng) {
    String form = ANSWER_FORMS[rng.nextInt(ANSWER_FORMS.length)];
    return "\n" + StepFormat.ANSWER + String.format(form, value) + StepFormat.END_OF_ANSWER;
  }

  private static String code(String open, Story.ReadStep rs, String line, SplittableRandom rng) {
    return open + "# " + Comments.of(rs, rng) + "\n" + line + "\n" + StepFormat.END_OF_STEP;
  }

  private static String line(PlanStep p, Map<String, String> subst) {
    return p.variable() + " = " + expr(p.arithmetic(), texts(p.operands(), subst));
  }

  private static List<String> texts(List<Operand> ops, Map<String, String> subst) {
    List<String> out = new ArrayList<>(ops.size());
    for (Operand o : ops) {
      out.add(text(o, subst));
    }
    return out;
  }

  private static String text(Operand o, Map<String, String> subst) {
    if (o instanceof Operand.Ref r) {
      return subst.getOrDefault(r.variable(), r.variable());
    }
    return Numbers.text(((Operand.Literal) o).value());
  }

  /** The Python expression of an arithmetic on operand texts. */
  static String expr(Arithmetic a, List<String> o) {
    return switch (a) {
      case ADD -> o.get(0) + " + " + o.get(1);
      case SUBTRACT -> o.get(0) + " - " + o.get(1);
      case MULTIPLY -> o.get(0) + " * " + o.get(1);
      case DIVIDE -> o.get(0) + " / " + o.get(1);
      case PERCENT_OF -> o.get(0) + " * " + o.get(1) + " / 100";
      case PERCENT_UP -> o.get(0) + " * (100 + " + o.get(1) + ") / 100";
      case PERCENT_DOWN -> o.get(0) + " * (100 - " + o.get(1) + ") / 100";
      case FRACTION_OF -> o.get(0) + " * " + o.get(1) + " / " + o.get(2);
      case FRACTION_LEFT -> o.get(0) + " - " + o.get(0) + " * " + o.get(1) + " / " + o.get(2);
    };
  }

  private static String wrongOperator(PlanStep p, List<String> o) {
    return switch (p.arithmetic()) {
      case ADD -> o.get(0) + " - " + o.get(1);
      case SUBTRACT -> o.get(0) + " + " + o.get(1);
      case MULTIPLY ->
          p.kind() == OpKind.UNIT_CONVERSION
              ? o.get(0) + " / " + o.get(1)
              : o.get(0) + " + " + o.get(1);
      case DIVIDE -> o.get(0) + " * " + o.get(1);
      case PERCENT_OF -> o.get(0) + " * " + o.get(1);
      case PERCENT_UP -> o.get(0) + " * (100 - " + o.get(1) + ") / 100";
      case PERCENT_DOWN -> o.get(0) + " * " + o.get(1) + " / 100";
      case FRACTION_OF -> o.get(0) + " * " + o.get(2) + " / " + o.get(1);
      case FRACTION_LEFT -> o.get(0) + " * " + o.get(1) + " / " + o.get(2);
    };
  }

  /** Operand positions holding numbers the question states (not implied constants). */
  private static List<Integer> statedPositions(PlanStep p) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < p.operands().size(); i++) {
      if (p.operands().get(i) instanceof Operand.Literal) {
        boolean constant =
            p.kind() == OpKind.UNIT_CONVERSION && i == 1 || p.kind() == OpKind.SCALE && i == 1;
        if (!constant) {
          out.add(i);
        }
      }
    }
    return out;
  }

  private static String nameError(PlanStep p, List<String> ops, State st, Story.ReadStep rs) {
    List<String> w = new ArrayList<>(ops);
    for (int i = 0; i < p.operands().size(); i++) {
      if (p.operands().get(i) instanceof Operand.Ref) {
        w.set(i, misspell(ops.get(i), st.assigned));
        return p.variable() + " = " + expr(p.arithmetic(), w);
      }
    }
    String name = rs.words().getOrDefault("noun", "amount").replaceAll("[^A-Za-z0-9]+", "_");
    if (!Character.isLetter(name.charAt(0))) {
      name = "n_" + name;
    }
    while (st.assigned.contains(name) || name.equals(p.variable())) {
      name = name + "_total";
    }
    w.set(0, name);
    return p.variable() + " = " + expr(p.arithmetic(), w);
  }

  /** A misspelling of a name that is not defined. */
  static String misspell(String name, Set<String> defined) {
    String m = name.length() > 3 ? name.substring(0, name.length() - 1) : name + "s";
    if (!Numbers.isIdentifier(m) || defined.contains(m)) {
      m = name + "_value";
    }
    while (defined.contains(m)) {
      m = m + "s";
    }
    return m;
  }

  private static String removeLast(String s, char c) {
    int i = s.lastIndexOf(c);
    return s.substring(0, i) + s.substring(i + 1);
  }

  /** A digit slip: two adjacent digits swapped, or the last digit changed by one. */
  static BigDecimal slip(BigDecimal v, SplittableRandom rng) {
    if (v.signum() < 0) {
      return slip(v.negate(), rng).negate();
    }
    String t = Numbers.text(v);
    int dot = t.indexOf('.');
    String whole = dot < 0 ? t : t.substring(0, dot);
    String frac = dot < 0 ? "" : t.substring(dot);
    String slipped = whole;
    if (whole.length() >= 2 && rng.nextBoolean()) {
      int i = rng.nextInt(whole.length() - 1);
      char[] c = whole.toCharArray();
      char x = c[i];
      c[i] = c[i + 1];
      c[i + 1] = x;
      if (c[0] != '0') {
        slipped = new String(c);
      }
    }
    if (slipped.equals(whole)) {
      long n = Long.parseLong(whole);
      slipped = Long.toString(n <= 1 || rng.nextBoolean() ? n + 1 : n - 1);
    }
    return Numbers.canonical(new BigDecimal(slipped + frac));
  }
}
