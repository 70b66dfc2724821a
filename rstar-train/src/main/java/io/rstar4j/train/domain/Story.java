package io.rstar4j.train.domain;

import io.rstar4j.train.domain.Lexicon.Activity;
import io.rstar4j.train.domain.Lexicon.Item;
import io.rstar4j.train.domain.Lexicon.Person;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The meaning of a question, built sentence by sentence: who holds what, whom a pronoun refers to,
 * and the plan steps the sentences imply. The generator and the reader share this one semantics, so
 * what a sentence means is written once; the generator runs it strictly (values must stay positive,
 * counts whole, money in cents) to choose numbers, the reader leniently.
 */
final class Story {

  /** A sentence the story cannot take: it does not fit what was said before. */
  static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** A plan step with the words the sentence used, for the policy's comments. */
  record ReadStep(PlanStep plan, Map<String, String> words) {}

  static final BigDecimal MAX_VALUE = BigDecimal.valueOf(10_000_000);

  private final boolean strict;
  private final List<Person> persons = new ArrayList<>();
  private final Map<String, Quantity> holdings = new HashMap<>();
  private final List<ReadStep> steps = new ArrayList<>();
  private final Map<String, BigDecimal> values = new HashMap<>();
  private final Set<String> vars = new HashSet<>();
  private final List<BigDecimal> stated = new ArrayList<>();
  private final List<BigDecimal> distractorNumbers = new ArrayList<>();
  private Person subject;
  private Quantity target;
  private boolean lastDistractor;

  Story(boolean strict) {
    this.strict = strict;
  }

  Story copy() {
    Story c = new Story(strict);
    c.persons.addAll(persons);
    c.holdings.putAll(holdings);
    c.steps.addAll(steps);
    c.values.putAll(values);
    c.vars.addAll(vars);
    c.stated.addAll(stated);
    c.distractorNumbers.addAll(distractorNumbers);
    c.subject = subject;
    c.target = target;
    c.lastDistractor = lastDistractor;
    return c;
  }

  // ------------------------------------------------------------------ state for the generator

  Person subject() {
    return subject;
  }

  List<Person> persons() {
    return persons;
  }

  Quantity holding(Person p) {
    return holdings.get(p.name());
  }

  List<ReadStep> steps() {
    return steps;
  }

  int stepCount() {
    return steps.size();
  }

  Quantity target() {
    return target;
  }

  boolean lastWasDistractor() {
    return lastDistractor;
  }

  List<BigDecimal> statedNumbers() {
    return stated;
  }

  List<BigDecimal> distractorNumbers() {
    return distractorNumbers;
  }

  /** The steps the target needs, in order; empty when there is no target. */
  List<ReadStep> neededSteps() {
    if (target == null) {
      return List.of();
    }
    Set<String> need = new HashSet<>();
    if (target.ref() instanceof Operand.Ref r) {
      need.add(r.variable());
    }
    List<ReadStep> out = new ArrayList<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      ReadStep s = steps.get(i);
      if (need.contains(s.plan().variable())) {
        out.add(0, s);
        for (Operand o : s.plan().operands()) {
          if (o instanceof Operand.Ref r) {
            need.add(r.variable());
          }
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ the semantics

  /**
   * Takes one sentence: the template it matches and its slot values.
   *
   * @throws Unreadable if the sentence does not fit the story (or, when strict, gives a value out
   *     of range)
   */
  void apply(Template t, Map<String, String> s) {
    if (target != null) {
      throw new Unreadable("the question was already asked");
    }
    if (t.event == Event.DISTRACTOR) {
      for (String k : Slots.NUMBERS) {
        if (s.containsKey(k)) {
          distractorNumbers.add(number(s.get(k)));
        }
      }
      lastDistractor = true;
      return;
    }
    switch (t.event) {
      case GIVEN_COUNT -> hold(newPerson(s.get("A")), count(s.get("items"), lit(s, "k")));
      case GIVEN_MONEY -> hold(newPerson(s.get("A")), money(Unit.DOLLARS, lit(s, "m")));
      case GIVEN_TIME, GIVEN_DISTANCE -> {
        Person a = newPerson(s.get("A"));
        hold(a, measure(t.dim, s, lit(s, "k")));
      }
      case GROUPS -> {
        Person a = newPerson(s.get("A"));
        Quantity shape = count(s.get("items"), null);
        checkContainer(shape, s);
        Operand g = lit(s, "k");
        Operand n = lit(s, "k2");
        hold(
            a,
            emit(
                OpKind.GROUPS,
                Arithmetic.MULTIPLY,
                List.of(g, n),
                shape,
                shape.plural(),
                words(a, null, shape, "groups", g, "each", n)));
      }
      case DOZENS -> {
        Person a = newPerson(s.get("A"));
        Quantity shape = count(s.get("items"), null);
        Operand k = lit(s, "k");
        hold(
            a,
            emit(
                OpKind.UNIT_CONVERSION,
                Arithmetic.MULTIPLY,
                List.of(k, constant(12)),
                shape,
                shape.plural(),
                words(a, null, shape, "k", k, "from", "dozens", "to", shape.plural())));
      }
      case WAGE -> {
        Person a = newPerson(s.get("A"));
        Quantity shape = money(Unit.DOLLARS, null);
        Operand r = lit(s, "m");
        Operand h = lit(s, "t");
        hold(
            a,
            emit(
                OpKind.RATE_TIME,
                Arithmetic.MULTIPLY,
                List.of(r, h),
                shape,
                "earnings",
                words(a, null, shape, "rate", r, "time", h, "per", "hour")));
      }
      case SPEED -> {
        Person a = newPerson(s.get("A"));
        Activity act = activity(s, null);
        if (!act.movement()) {
          throw new Unreadable("a speed needs a movement");
        }
        Quantity shape =
            new Quantity(Dim.DISTANCE, null, null, Unit.KILOMETERS, act, null, BigDecimal.ZERO);
        Operand r = lit(s, "r");
        Operand h = lit(s, "t");
        hold(
            a,
            emit(
                OpKind.RATE_TIME,
                Arithmetic.MULTIPLY,
                List.of(r, h),
                shape,
                "distance",
                words(a, null, shape, "rate", r, "time", h, "per", "hour")));
      }
      case DAILY -> {
        Person a = newPerson(s.get("A"));
        Quantity shape = t.dim == Dim.COUNT ? count(s.get("items"), null) : measure(t.dim, s, null);
        Operand r = lit(s, "r");
        Operand d = lit(s, "t");
        hold(
            a,
            emit(
                OpKind.RATE_TIME,
                Arithmetic.MULTIPLY,
                List.of(r, d),
                shape,
                "total_" + shape.varNoun(),
                words(a, null, shape, "rate", r, "time", d, "per", "day")));
      }
      case GAIN, LOSS -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, true);
        Operand k = lit(s, t.dim == Dim.MONEY ? "m" : "k");
        boolean gain = t.event == Event.GAIN;
        hold(
            p,
            emit(
                gain ? OpKind.GAIN : OpKind.LOSS,
                gain ? Arithmetic.ADD : Arithmetic.SUBTRACT,
                List.of(cur.ref(), k),
                cur,
                cur.varNoun() + (gain ? "_now" : "_left"),
                words(p, null, cur, "k", k)));
      }
      case SCALE, REPEAT -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        Operand f;
        if (s.containsKey("scaleverb")) {
          f = constant(Lexicon.SCALE_VERBS.indexOf(s.get("scaleverb")) + 2);
        } else if (s.containsKey("times")) {
          int k = Lexicon.parseTimes(s.get("times"));
          if (k < 2) {
            throw new Unreadable("bad multiplier " + s.get("times"));
          }
          f = statedConstant(k);
        } else {
          f = lit(s, "k");
        }
        boolean scale = t.event == Event.SCALE;
        hold(
            p,
            emit(
                scale ? OpKind.SCALE : OpKind.RATE_TIME,
                Arithmetic.MULTIPLY,
                List.of(cur.ref(), f),
                cur,
                scale ? cur.varNoun() + "_after" : "total_" + cur.varNoun(),
                words(p, null, cur, "k", f)));
      }
      case PACK -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        if (cur.item().container() == null || cur.adj() != null) {
          throw new Unreadable(cur.plural() + " do not come in containers");
        }
        checkContainer(cur, s);
        Operand k = lit(s, "k");
        Quantity shape =
            new Quantity(Dim.COUNT, cur.item().asContainer(), null, null, null, null, null);
        hold(
            p,
            emit(
                OpKind.PACK,
                Arithmetic.DIVIDE,
                List.of(cur.ref(), k),
                shape,
                shape.plural(),
                words(p, null, cur, "k", k, "containers", cur.item().containers())));
      }
      case PRICE -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        Operand m = lit(s, "m");
        hold(
            p,
            emit(
                OpKind.PRICE,
                Arithmetic.MULTIPLY,
                List.of(cur.ref(), m),
                money(Unit.DOLLARS, null),
                "money",
                words(p, null, cur, "price", m)));
      }
      case PCT_DEC, PCT_INC, PCT_OF -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        Operand pct = lit(s, "pct");
        OpKind kind =
            switch (t.event) {
              case PCT_DEC -> OpKind.PERCENT_DECREASE;
              case PCT_INC -> OpKind.PERCENT_INCREASE;
              default -> OpKind.PERCENT_OF;
            };
        Quantity shape = cur;
        String base = cur.varNoun() + (kind == OpKind.PERCENT_DECREASE ? "_remaining" : "_more");
        if (kind == OpKind.PERCENT_OF) {
          shape = adjective(cur, s.get("adj"));
          base = shape.varNoun();
        }
        hold(
            p,
            emit(
                kind,
                kind.arithmetic(),
                List.of(cur.ref(), pct),
                shape,
                base,
                words(p, null, cur, "pct", pct, "adj", s.get("adj"))));
      }
      case FRAC_LEFT, FRAC_OF -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        int[] f = fraction(s);
        Operand n = statedConstant(f[0]);
        Operand d = statedConstant(f[1]);
        boolean left = t.event == Event.FRAC_LEFT;
        Quantity shape = left ? cur : adjective(cur, s.get("adj"));
        hold(
            p,
            emit(
                left ? OpKind.FRACTION_LEFT : OpKind.FRACTION_OF,
                left ? Arithmetic.FRACTION_LEFT : Arithmetic.FRACTION_OF,
                List.of(cur.ref(), n, d),
                shape,
                left ? cur.varNoun() + "_kept" : shape.varNoun(),
                words(p, null, cur, "frac", fractionText(s), "adj", s.get("adj"))));
      }
      case RATE -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        if (cur.unit() != Unit.HOURS || cur.activity() == null || !cur.activity().movement()) {
          throw new Unreadable("a speed in kilometers per hour needs hours of a movement");
        }
        Operand r = lit(s, "r");
        Quantity shape =
            new Quantity(
                Dim.DISTANCE, null, null, Unit.KILOMETERS, cur.activity(), null, BigDecimal.ZERO);
        hold(
            p,
            emit(
                OpKind.RATE_TIME,
                Arithmetic.MULTIPLY,
                List.of(cur.ref(), r),
                shape,
                "distance",
                words(p, null, cur, "rate", r, "per", "hour")));
      }
      case MORE_THAN, FEWER_THAN, TIMES_AS, FRACTION_AS -> comparison(t, s);
      case Q_CURRENT -> {
        Person p = subjectOf(t, s);
        target = current(p, t, s, true);
      }
      case Q_TOTAL, Q_DIFFERENCE -> {
        Person a;
        Person b;
        if (s.containsKey("A")) {
          a = known(s.get("A"));
          b = known(s.get("B"));
        } else {
          if (persons.size() < 2) {
            throw new Unreadable("'they' needs two people");
          }
          a = persons.get(persons.size() - 2);
          b = persons.get(persons.size() - 1);
        }
        if (a.equals(b)) {
          throw new Unreadable("the same person twice");
        }
        Quantity qa = current(a, t, s, false);
        Quantity qb = current(b, t, s, false);
        if (!qa.sameKind(qb) || qa.unit() != qb.unit()) {
          throw new Unreadable(a.name() + " and " + b.name() + " hold different things");
        }
        boolean total = t.event == Event.Q_TOTAL;
        target =
            emit(
                total ? OpKind.TOTAL : OpKind.DIFFERENCE,
                total ? Arithmetic.ADD : Arithmetic.SUBTRACT,
                total ? List.of(qa.ref(), qb.ref()) : List.of(qb.ref(), qa.ref()),
                qa,
                total ? "total_" + qa.varNoun() : "difference",
                words(total ? a : b, total ? b : a, qa));
      }
      case Q_SHARE -> {
        Person p = subjectOf(t, s);
        Quantity cur = current(p, t, s, false);
        Operand k = lit(s, "k");
        target =
            emit(
                OpKind.SHARE,
                Arithmetic.DIVIDE,
                List.of(cur.ref(), k),
                cur,
                cur.varNoun() + "_each",
                words(p, null, cur, "k", k));
      }
      default -> throw new IllegalStateException("unhandled event " + t.event);
    }
    lastDistractor = false;
  }

  private void comparison(Template t, Map<String, String> s) {
    Person a = known(s.get("A"));
    Person b = newPerson(s.get("B"));
    Quantity cur = current(a, t, s, t.event == Event.MORE_THAN || t.event == Event.FEWER_THAN);
    List<Operand> ops;
    OpKind kind;
    Map<String, String> w;
    switch (t.event) {
      case MORE_THAN, FEWER_THAN -> {
        Operand k = lit(s, t.dim == Dim.MONEY ? "m" : "k");
        kind = t.event == Event.MORE_THAN ? OpKind.MORE_THAN : OpKind.FEWER_THAN;
        ops = List.of(cur.ref(), k);
        w = words(b, a, cur, "k", k);
      }
      case TIMES_AS -> {
        int k = Lexicon.parseTimes(s.get("times"));
        if (k < 2) {
          throw new Unreadable("bad multiplier " + s.get("times"));
        }
        Operand f = statedConstant(k);
        kind = OpKind.TIMES_AS_MANY;
        ops = List.of(cur.ref(), f);
        w = words(b, a, cur, "k", f);
      }
      default -> {
        int[] f = fraction(s);
        kind = OpKind.FRACTION_AS_MANY;
        ops = List.of(cur.ref(), statedConstant(f[0]), statedConstant(f[1]));
        w = words(b, a, cur, "frac", fractionText(s));
      }
    }
    Quantity q = emit(kind, kind.arithmetic(), ops, cur, b.name() + "_" + cur.varNoun(), w);
    hold(b, q);
  }

  // ------------------------------------------------------------------ helpers

  private void hold(Person p, Quantity q) {
    holdings.put(p.name(), q);
    subject = p;
  }

  private Person newPerson(String name) {
    Person p = Lexicon.person(name);
    if (p == null) {
      throw new Unreadable("unknown name " + name);
    }
    if (persons.contains(p)) {
      throw new Unreadable(name + " was already introduced");
    }
    persons.add(p);
    return p;
  }

  private Person known(String name) {
    Person p = Lexicon.person(name);
    if (p == null || !persons.contains(p)) {
      throw new Unreadable(name + " has not been introduced");
    }
    return p;
  }

  /**
   * The person the sentence is about: its first subject slot (a pronoun means the story's subject),
   * later subject slots agreeing; the story's subject when the sentence names nobody.
   */
  private Person subjectOf(Template t, Map<String, String> s) {
    Person first = null;
    for (String slot : t.slots) {
      if (!Slots.SUBJECT.contains(slot)) {
        continue;
      }
      String text = s.get(slot);
      Person p;
      Boolean female = pronounGender(text);
      if (female != null) {
        p = first != null ? first : subject;
        if (p == null) {
          throw new Unreadable("a pronoun before anyone was named");
        }
        if (p.female() != female) {
          throw new Unreadable("'" + text + "' does not fit " + p.name());
        }
      } else {
        String name = text.endsWith("'s") ? text.substring(0, text.length() - 2) : text;
        p = known(name);
      }
      if (first == null) {
        first = p;
      } else if (!first.equals(p)) {
        throw new Unreadable("two people in one subject");
      }
    }
    if (first == null) {
      if (subject == null) {
        throw new Unreadable("nobody to refer to");
      }
      return subject;
    }
    return first;
  }

  private static Boolean pronounGender(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "he", "his", "him" -> Boolean.FALSE;
      case "she", "her" -> Boolean.TRUE;
      default -> null;
    };
  }

  /**
   * The person's holding, checked against the sentence's nouns, unit and activity; converted to the
   * sentence's unit when {@code convert} allows it.
   */
  private Quantity current(Person p, Template t, Map<String, String> s, boolean convert) {
    Quantity cur = holdings.get(p.name());
    if (cur == null) {
      throw new Unreadable(p.name() + " holds nothing yet");
    }
    Dim want = t.event == Event.RATE ? Dim.TIME : t.dim;
    if (cur.dim() != want) {
      throw new Unreadable(p.name() + " holds " + cur.dim() + ", the sentence is about " + want);
    }
    if (s.containsKey("items") && !s.get("items").equals(cur.plural())) {
      throw new Unreadable(p.name() + " holds " + cur.plural() + ", not " + s.get("items"));
    }
    if (s.containsKey("item") && !s.get("item").equals(cur.singular())) {
      throw new Unreadable(p.name() + " holds " + cur.plural() + ", not " + s.get("item"));
    }
    if (cur.activity() != null) {
      activity(s, cur.activity());
    }
    if (s.containsKey("unit")) {
      Unit u = Unit.byWord(s.get("unit"));
      if (u == null || cur.unit() == null || u.dim != cur.unit().dim) {
        throw new Unreadable("unit " + s.get("unit") + " does not fit " + cur.plural());
      }
      if (u != cur.unit()) {
        if (!convert) {
          throw new Unreadable("unit " + s.get("unit") + " differs from " + cur.unit().word);
        }
        cur = convert(p, cur, u);
        holdings.put(p.name(), cur);
      }
    }
    return cur;
  }

  private Quantity convert(Person p, Quantity q, Unit to) {
    Unit from = q.unit();
    boolean down = from.base > to.base;
    int factor = down ? from.base / to.base : to.base / from.base;
    return emit(
            OpKind.UNIT_CONVERSION,
            down ? Arithmetic.MULTIPLY : Arithmetic.DIVIDE,
            List.of(q.ref(), constant(factor)),
            q.withUnit(to),
            to.word,
            words(p, null, q, "from", from.word, "to", to.word, "factor", String.valueOf(factor)))
        .withUnit(to);
  }

  private Activity activity(Map<String, String> s, Activity expected) {
    Activity a = null;
    if (s.containsKey("acts")) {
      a = Lexicon.activityByThird(s.get("acts"));
    } else if (s.containsKey("act")) {
      a = Lexicon.activityByBase(s.get("act"));
    } else if (s.containsKey("acting")) {
      a = Lexicon.activityByGerund(s.get("acting"));
    }
    if (a == null) {
      if (expected != null) {
        return expected;
      }
      throw new Unreadable("no activity");
    }
    if (expected != null && !expected.equals(a)) {
      throw new Unreadable("the activity is " + expected.gerund() + ", not " + a.gerund());
    }
    return a;
  }

  private Quantity count(String phrase, Operand ref) {
    String adj = null;
    String rest = phrase;
    for (String a : Lexicon.ADJECTIVES) {
      if (phrase.startsWith(a + " ")) {
        adj = a;
        rest = phrase.substring(a.length() + 1);
        break;
      }
    }
    Item item = Lexicon.itemByPlural(rest);
    if (item == null) {
      throw new Unreadable("unknown thing " + phrase);
    }
    return new Quantity(Dim.COUNT, item, adj, null, null, ref, ref == null ? null : valueOf(ref));
  }

  private Quantity money(Unit u, Operand ref) {
    return new Quantity(Dim.MONEY, null, null, u, null, ref, ref == null ? null : valueOf(ref));
  }

  private Quantity measure(Dim dim, Map<String, String> s, Operand ref) {
    Unit u = Unit.byWord(s.get("unit"));
    if (u == null || u.dim != dim) {
      throw new Unreadable("unit " + s.get("unit") + " is not a unit of " + dim);
    }
    Activity a = activity(s, null);
    if (dim == Dim.DISTANCE && !a.movement()) {
      throw new Unreadable(a.gerund() + " covers no distance");
    }
    return new Quantity(dim, null, null, u, a, ref, ref == null ? null : valueOf(ref));
  }

  private Quantity adjective(Quantity cur, String adj) {
    if (cur.dim() != Dim.COUNT || cur.adj() != null) {
      throw new Unreadable("cannot narrow " + cur.plural() + " by " + adj);
    }
    return new Quantity(Dim.COUNT, cur.item(), adj, null, null, null, null);
  }

  private static void checkContainer(Quantity q, Map<String, String> s) {
    if (s.containsKey("containers") && !s.get("containers").equals(q.item().containers())) {
      throw new Unreadable(q.plural() + " do not come in " + s.get("containers"));
    }
    if (s.containsKey("container") && !s.get("container").equals(q.item().container())) {
      throw new Unreadable(q.plural() + " do not come in a " + s.get("container"));
    }
  }

  private static int[] fraction(Map<String, String> s) {
    int[] f = Lexicon.parseFraction(fractionText(s));
    if (f == null || f[0] <= 0 || f[1] <= f[0]) {
      throw new Unreadable("bad fraction " + fractionText(s));
    }
    return f;
  }

  private static String fractionText(Map<String, String> s) {
    return s.containsKey("frac") ? s.get("frac") : s.get("Frac");
  }

  static BigDecimal number(String text) {
    String t = text.startsWith("$") ? text.substring(1) : text;
    return Numbers.canonical(new BigDecimal(t));
  }

  /** A number stated in the sentence. */
  private Operand lit(Map<String, String> s, String slot) {
    String text = s.get(slot);
    if (text == null) {
      throw new IllegalStateException("no slot " + slot);
    }
    BigDecimal v = number(text);
    if (v.signum() <= 0) {
      throw new Unreadable("a zero amount");
    }
    stated.add(v);
    return new Operand.Literal(v);
  }

  /** A number the sentence states in words (a fraction, "twice"). */
  private Operand statedConstant(int v) {
    BigDecimal b = BigDecimal.valueOf(v);
    stated.add(b);
    return new Operand.Literal(b);
  }

  private static Operand constant(int v) {
    return new Operand.Literal(BigDecimal.valueOf(v));
  }

  private BigDecimal valueOf(Operand o) {
    if (o instanceof Operand.Literal l) {
      return l.value();
    }
    return values.get(((Operand.Ref) o).variable());
  }

  private Quantity emit(
      OpKind kind,
      Arithmetic ar,
      List<Operand> ops,
      Quantity shape,
      String base,
      Map<String, String> words) {
    List<BigDecimal> in = new ArrayList<>(ops.size());
    for (Operand o : ops) {
      in.add(valueOf(o));
    }
    BigDecimal v;
    try {
      v = ar.apply(in);
    } catch (ArithmeticException e) {
      if (strict || in.get(in.size() - 1).signum() == 0) {
        throw new Unreadable("not exact: " + ar + in);
      }
      v = approximately(ar, in);
    }
    if (strict) {
      checkValue(shape.dim(), v);
    }
    String var = variable(base);
    PlanStep step = new PlanStep(var, kind, ar, ops, v);
    steps.add(new ReadStep(step, words));
    values.put(var, v);
    return shape.with(new Operand.Ref(var), v);
  }

  private static BigDecimal approximately(Arithmetic ar, List<BigDecimal> in) {
    double a = in.get(0).doubleValue();
    double b = in.get(1).doubleValue();
    double r =
        switch (ar) {
          case DIVIDE -> a / b;
          case FRACTION_OF -> a * b / in.get(2).doubleValue();
          case FRACTION_LEFT -> a - a * b / in.get(2).doubleValue();
          default -> throw new IllegalStateException(ar + " is always exact");
        };
    return Numbers.canonical(new BigDecimal(Double.toString(r)));
  }

  private static void checkValue(Dim dim, BigDecimal v) {
    if (v.signum() <= 0 || v.compareTo(MAX_VALUE) > 0) {
      throw new Unreadable("value out of range: " + v.toPlainString());
    }
    int maxScale = dim == Dim.MONEY ? 2 : 0;
    if (Numbers.canonical(v).scale() > maxScale) {
      throw new Unreadable("not a whole amount: " + v.toPlainString());
    }
  }

  private String variable(String base) {
    String v = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    v = v.replaceAll("^_+|_+$", "");
    if (v.isEmpty() || !Character.isLetter(v.charAt(0))) {
      v = "v_" + v;
    }
    String out = v;
    for (int i = 2; vars.contains(out); i++) {
      out = v + "_" + i;
    }
    vars.add(out);
    return out;
  }

  private static Map<String, String> words(Person who, Person other, Quantity q, Object... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("who", who.name());
    m.put("pronoun", who.subject(false));
    if (other != null) {
      m.put("other", other.name());
    }
    m.put("noun", q.plural());
    if (q.activity() != null) {
      m.put("acting", q.activity().gerund());
    }
    for (int i = 0; i + 1 < kv.length; i += 2) {
      Object v = kv[i + 1];
      if (v != null) {
        m.put((String) kv[i], v.toString());
      }
    }
    return m;
  }
}
