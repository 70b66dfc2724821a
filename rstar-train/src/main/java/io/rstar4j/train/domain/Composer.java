package io.rstar4j.train.domain;

import io.rstar4j.core.Problem;
import io.rstar4j.train.domain.Lexicon.Activity;
import io.rstar4j.train.domain.Lexicon.Item;
import io.rstar4j.train.domain.Lexicon.Person;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes one word problem: draws a story event by event (through {@link Story}, strictly, so every
 * value stays exact and in range), words each event with a template of the split, adds distractor
 * facts and renders pronouns.
 */
final class Composer {
  /** Operations per level: {min, max}. */
  static final int[][] OPS = {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {5, 7}, {6, 8}, {7, 9}};

  private static final int[] MAX_BASE = {20, 30, 50, 80, 120, 200, 300, 500};
  private static final int[] PERCENTS = {5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80};
  private static final int[][] FRACTIONS = {
    {1, 2}, {1, 3}, {2, 3}, {1, 4}, {3, 4}, {1, 5}, {2, 5}, {3, 5}, {4, 5}, {1, 6}, {5, 6}, {1, 8},
    {3, 8}, {1, 10}, {3, 10}
  };

  private final Templates.Selection selection;
  private final double distractorRate;

  Composer(Templates.Selection selection, double distractorRate) {
    this.selection = selection;
    this.distractorRate = distractorRate;
  }

  /** Maximum distractor sentences at a level (each present with the distractor rate). */
  static int maxDistractors(int level) {
    return 1 + (level - 1) / 2;
  }

  /** One sentence of a draft: its template, slot values and how its subject may be written. */
  private record Sentence(
      Template template, Map<String, String> values, Person subject, boolean pronounOk) {}

  /** What the body loop needs while drawing. */
  private static final class Draft {
    Story story = new Story(true);
    final List<Sentence> sentences = new ArrayList<>();
    final int level;
    final SplittableRandom rng;

    Draft(int level, SplittableRandom rng) {
      this.level = level;
      this.rng = rng;
    }
  }

  WordProblem compose(String id, Split split, int level, long seed) {
    for (int attempt = 0; attempt < 500; attempt++) {
      SplittableRandom rng = new SplittableRandom(Hashing.mix(seed, attempt));
      WordProblem p = tryCompose(id, split, level, rng);
      if (p != null) {
        return p;
      }
    }
    throw new IllegalStateException(
        "could not compose problem " + id + " at level " + level + " in 500 attempts");
  }

  private WordProblem tryCompose(String id, Split split, int level, SplittableRandom rng) {
    Draft d = new Draft(level, rng);
    int lo = OPS[level - 1][0];
    int hi = OPS[level - 1][1];
    int nOps = lo + rng.nextInt(hi - lo + 1);
    if (!opening(d, rng.nextDouble() < 0.55)) {
      return null;
    }
    boolean opFinal = rng.nextDouble() < 0.6 && d.story.stepCount() < nOps;
    int bodyEnd = nOps - (opFinal ? 1 : 0);
    int guard = 0;
    while (d.story.stepCount() < bodyEnd) {
      if (++guard > 40 || !body(d, bodyEnd - d.story.stepCount())) {
        return null;
      }
    }
    if (d.story.stepCount() != bodyEnd) {
      return null;
    }
    if (!question(d, opFinal)) {
      return null;
    }
    Story st = d.story;
    if (st.stepCount() != nOps || st.neededSteps().size() != nOps) {
      return null;
    }
    List<Sentence> all = new ArrayList<>(d.sentences);
    int distractors = 0;
    for (int i = 0; i < maxDistractors(level); i++) {
      if (rng.nextDouble() < distractorRate) {
        Sentence s = distractor(d);
        if (s == null) {
          return null;
        }
        int pos = 1 + rng.nextInt(all.size() - 1);
        all.add(pos, s);
        distractors++;
      }
    }
    StringBuilder text = new StringBuilder();
    List<String> ids = new ArrayList<>();
    boolean prevDistractor = true;
    for (Sentence s : all) {
      boolean distractor = s.template().event == Event.DISTRACTOR;
      boolean pronoun = s.pronounOk() && !prevDistractor && rng.nextDouble() < 0.6;
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(s.template().render(fill(s, pronoun)));
      ids.add(s.template().id);
      prevDistractor = distractor;
    }
    List<PlanStep> plan = new ArrayList<>();
    for (Story.ReadStep r : st.neededSteps()) {
      plan.add(r.plan());
    }
    SolutionPlan sp = new SolutionPlan(plan);
    Problem problem = Problem.of(id, text.toString(), sp.answerText());
    return new WordProblem(problem, split, level, sp, ids, distractors);
  }

  // ------------------------------------------------------------------ rendering of subjects

  private static Map<String, String> fill(Sentence s, boolean pronoun) {
    Map<String, String> v = new HashMap<>(s.values());
    boolean first = true;
    for (String slot : s.template().slots) {
      if (!Slots.SUBJECT.contains(slot)) {
        continue;
      }
      boolean usePronoun = pronoun || !first;
      v.put(slot, subjectForm(slot, s.subject(), usePronoun));
      first = false;
    }
    return v;
  }

  private static String subjectForm(String slot, Person p, boolean pronoun) {
    return switch (slot) {
      case "S" -> pronoun ? p.subject(true) : p.name();
      case "s" -> pronoun ? p.subject(false) : p.name();
      case "P" -> pronoun ? p.possessive(true) : p.name() + "'s";
      case "p" -> pronoun ? p.possessive(false) : p.name() + "'s";
      case "o" -> pronoun ? p.object() : p.name();
      default -> throw new IllegalStateException("not a subject slot: " + slot);
    };
  }

  // ------------------------------------------------------------------ drawing events

  /**
   * Tries a template of the event with values from {@code values}; keeps it if the story takes it.
   */
  private boolean attempt(Draft d, Event e, Dim dim, int maxSteps, Chooser values) {
    List<Template> group = selection.group(e, dim);
    if (group.isEmpty()) {
      return false;
    }
    for (int tries = 0; tries < 6; tries++) {
      Template t = group.get(d.rng.nextInt(group.size()));
      Story before = d.story;
      Person subject = before.subject();
      Map<String, String> v = values.choose(t);
      if (v == null) {
        return false;
      }
      Story next = before.copy();
      Map<String, String> full = new HashMap<>(v);
      Person named = subject;
      for (String slot : t.slots) {
        if (Slots.SUBJECT.contains(slot)) {
          full.put(slot, subjectForm(slot, subject, false));
        }
      }
      try {
        next.apply(t, full);
      } catch (Story.Unreadable | ArithmeticException ex) {
        continue;
      }
      if (next.stepCount() - before.stepCount() > maxSteps) {
        continue;
      }
      boolean hasSubjectSlot = t.slots.stream().anyMatch(Slots.SUBJECT::contains);
      boolean pronounOk = hasSubjectSlot && !d.sentences.isEmpty() && named != null;
      d.story = next;
      d.sentences.add(new Sentence(t, v, named, pronounOk));
      return true;
    }
    return false;
  }

  @FunctionalInterface
  private interface Chooser {
    /** Slot values for the template (subject slots excluded), or null when the event cannot go. */
    Map<String, String> choose(Template t);
  }

  private boolean opening(Draft d, boolean withOp) {
    SplittableRandom rng = d.rng;
    int level = d.level;
    Person a = newPerson(d, null);
    for (int tries = 0; tries < 10; tries++) {
      Event e;
      Dim dim;
      double u = rng.nextDouble();
      if (withOp) {
        if (u < 0.3) {
          e = Event.GROUPS;
          dim = Dim.COUNT;
        } else if (u < 0.45) {
          e = Event.DOZENS;
          dim = Dim.COUNT;
        } else if (u < 0.6) {
          e = Event.WAGE;
          dim = Dim.MONEY;
        } else if (u < 0.72) {
          e = Event.SPEED;
          dim = Dim.DISTANCE;
        } else {
          e = Event.DAILY;
          double w = rng.nextDouble();
          dim = w < 0.5 ? Dim.COUNT : w < 0.75 ? Dim.TIME : Dim.DISTANCE;
        }
      } else {
        if (u < 0.5) {
          e = Event.GIVEN_COUNT;
          dim = Dim.COUNT;
        } else if (u < 0.78) {
          e = Event.GIVEN_MONEY;
          dim = Dim.MONEY;
        } else if (u < 0.9) {
          e = Event.GIVEN_TIME;
          dim = Dim.TIME;
        } else {
          e = Event.GIVEN_DISTANCE;
          dim = Dim.DISTANCE;
        }
      }
      Event ev = e;
      Dim dm = dim;
      boolean ok =
          attempt(
              d,
              e,
              dim,
              1,
              t -> {
                Map<String, String> v = new HashMap<>();
                v.put("A", a.name());
                Item item = pickItem(rng, ev == Event.GROUPS, ev == Event.DOZENS);
                Activity act = pickActivity(rng, dm == Dim.DISTANCE || ev == Event.SPEED);
                Unit unit = null;
                if (dm == Dim.TIME) {
                  unit = rng.nextBoolean() ? Unit.HOURS : Unit.MINUTES;
                } else if (dm == Dim.DISTANCE) {
                  unit =
                      ev == Event.SPEED || rng.nextDouble() < 0.7 ? Unit.KILOMETERS : Unit.METERS;
                }
                putNouns(v, t, item, null, act, unit);
                switch (ev) {
                  case GIVEN_COUNT -> v.put("k", Integer.toString(nice(rng, level)));
                  case GIVEN_MONEY -> v.put("m", Numbers.money(moneyAmount(rng, level)));
                  case GIVEN_TIME, GIVEN_DISTANCE ->
                      v.put("k", Integer.toString(measure(rng, unit, level)));
                  case GROUPS -> {
                    v.put("k", Integer.toString(between(rng, 2, 3 + level)));
                    v.put("k2", Integer.toString(between(rng, 2, 4 + 2 * level)));
                  }
                  case DOZENS -> v.put("k", Integer.toString(between(rng, 2, 2 + level)));
                  case WAGE -> {
                    v.put("m", Numbers.money(price(rng, 5, 10 + 4 * level, level)));
                    v.put("t", Integer.toString(between(rng, 2, 4 + level)));
                  }
                  case SPEED -> {
                    v.put("r", Integer.toString(between(rng, 3, 10 + 8 * level)));
                    v.put("t", Integer.toString(between(rng, 2, 3 + level / 2)));
                  }
                  case DAILY -> {
                    int r =
                        switch (dm) {
                          case COUNT -> between(rng, 2, 4 + 3 * level);
                          case TIME ->
                              unit == Unit.HOURS ? between(rng, 2, 4) : 5 * between(rng, 2, 12);
                          default ->
                              unit == Unit.KILOMETERS
                                  ? between(rng, 2, 4 + 2 * level)
                                  : 100 * between(rng, 2, 15);
                        };
                    v.put("r", Integer.toString(r));
                    v.put("t", Integer.toString(between(rng, 2, 7)));
                  }
                  default -> throw new IllegalStateException("not an opening: " + ev);
                }
                return v;
              });
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private boolean body(Draft d, int budget) {
    SplittableRandom rng = d.rng;
    Story st = d.story;
    Person p = st.subject();
    Quantity cur = st.holding(p);
    List<Event> options = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    boolean morePeople = st.persons().size() < 3;
    switch (cur.dim()) {
      case COUNT -> {
        add(options, weights, Event.GAIN, 1.0);
        add(options, weights, Event.LOSS, 1.0);
        add(options, weights, Event.SCALE, 0.4);
        add(options, weights, Event.REPEAT, 0.3);
        if (cur.item().container() != null && cur.adj() == null) {
          add(options, weights, Event.PACK, 0.5);
        }
        add(options, weights, Event.PRICE, 0.7);
        add(options, weights, Event.PCT_DEC, 0.6);
        add(options, weights, Event.PCT_INC, 0.4);
        if (cur.adj() == null) {
          add(options, weights, Event.PCT_OF, 0.5);
          add(options, weights, Event.FRAC_OF, 0.5);
        }
        add(options, weights, Event.FRAC_LEFT, 0.6);
      }
      case MONEY -> {
        add(options, weights, Event.GAIN, 1.0);
        add(options, weights, Event.LOSS, 1.2);
        add(options, weights, Event.SCALE, 0.3);
        add(options, weights, Event.REPEAT, 0.5);
        add(options, weights, Event.PCT_DEC, 0.7);
        add(options, weights, Event.PCT_INC, 0.5);
        add(options, weights, Event.FRAC_LEFT, 0.6);
      }
      case TIME -> {
        add(options, weights, Event.GAIN, 1.0);
        add(options, weights, Event.REPEAT, 0.8);
        add(options, weights, Event.PCT_INC, 0.4);
        if (cur.unit() == Unit.HOURS && cur.activity().movement()) {
          add(options, weights, Event.RATE, 1.0);
        }
      }
      case DISTANCE -> {
        add(options, weights, Event.GAIN, 1.0);
        add(options, weights, Event.REPEAT, 0.8);
        add(options, weights, Event.PCT_INC, 0.4);
      }
    }
    if (morePeople) {
      double w = cur.dim() == Dim.COUNT || cur.dim() == Dim.MONEY ? 0.5 : 0.6;
      add(options, weights, Event.MORE_THAN, w);
      add(options, weights, Event.FEWER_THAN, w * 0.8);
      add(options, weights, Event.TIMES_AS, w * 0.8);
      add(options, weights, Event.FRACTION_AS, w * 0.6);
    }
    for (int tries = 0; tries < 8; tries++) {
      Event e = pick(rng, options, weights);
      if (attempt(d, e, cur.dim(), budget, t -> bodyValues(d, e, t, p, cur, budget))) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> bodyValues(
      Draft d, Event e, Template t, Person p, Quantity cur, int budget) {
    SplittableRandom rng = d.rng;
    int level = d.level;
    Map<String, String> v = new HashMap<>();
    putNouns(v, t, cur.item(), cur.adj(), cur.activity(), cur.unit());
    BigDecimal value = cur.value();
    boolean money = cur.dim() == Dim.MONEY;
    Unit unit = cur.unit();
    if (e.isComparison()) {
      Person b = newPerson(d, p);
      v.put("A", p.name());
      v.put("B", b.name());
    }
    if (t.has("X")) {
      v.put("X", bystander(d).name());
    }
    if (t.has("thing")) {
      v.put("thing", Lexicon.THINGS.get(rng.nextInt(Lexicon.THINGS.size())));
    }
    if ((e == Event.GAIN || e == Event.MORE_THAN || e == Event.FEWER_THAN)
        && t.has("unit")
        && budget >= 2
        && (unit == Unit.HOURS || unit == Unit.KILOMETERS)
        && rng.nextDouble() < 0.35) {
      unit = unit.other();
      v.put("unit", unit.word);
      value = value.multiply(BigDecimal.valueOf(cur.unit().base / unit.base));
    }
    switch (e) {
      case GAIN, MORE_THAN -> {
        if (money) {
          v.put("m", Numbers.money(price(rng, 2, MAX_BASE[level - 1], level)));
        } else {
          v.put("k", Integer.toString(amount(rng, unit, level)));
        }
      }
      case LOSS, FEWER_THAN -> {
        BigDecimal k;
        if (money) {
          k =
              price(
                  rng, 1, Math.max(2, Math.min(value.intValue() - 1, MAX_BASE[level - 1])), level);
        } else {
          int max = value.intValue() - 1;
          if (max < 2) {
            return null;
          }
          k =
              BigDecimal.valueOf(
                  between(rng, Math.min(2, max), Math.min(max, amountMax(unit, level))));
          if (unit == Unit.MINUTES && max >= 5) {
            k = BigDecimal.valueOf(5L * between(rng, 1, Math.max(1, Math.min(max, 120) / 5)));
          }
        }
        if (k.compareTo(value) >= 0) {
          return null;
        }
        v.put(money ? "m" : "k", money ? Numbers.money(k) : Numbers.text(k));
      }
      case SCALE -> {
        int k = between(rng, 2, 4);
        v.put("scaleverb", Lexicon.SCALE_VERBS.get(k - 2));
        v.put("times", Lexicon.times(k, rng.nextDouble() < 0.7));
      }
      case TIMES_AS -> v.put("times", Lexicon.times(between(rng, 2, 5), rng.nextDouble() < 0.7));
      case REPEAT -> v.put("k", Integer.toString(between(rng, 2, 7)));
      case PACK -> {
        List<Integer> divisors = divisors(value, 2, Math.min(30, value.intValue() / 2));
        if (divisors.isEmpty()) {
          return null;
        }
        v.put("k", Integer.toString(divisors.get(rng.nextInt(divisors.size()))));
      }
      case PRICE -> v.put("m", Numbers.money(price(rng, 1, 3 + 2 * level, level)));
      case PCT_DEC, PCT_INC, PCT_OF -> {
        List<Integer> ok = new ArrayList<>();
        for (int pct : PERCENTS) {
          BigDecimal part = value.multiply(BigDecimal.valueOf(pct)).divide(BigDecimal.valueOf(100));
          if (Numbers.canonical(part).scale() <= (money ? 2 : 0)) {
            ok.add(pct);
          }
        }
        if (ok.isEmpty()) {
          return null;
        }
        v.put("pct", Integer.toString(ok.get(rng.nextInt(ok.size()))));
        v.put("adj", Lexicon.ADJECTIVES.get(rng.nextInt(Lexicon.ADJECTIVES.size())));
      }
      case FRAC_LEFT, FRAC_OF, FRACTION_AS -> {
        List<int[]> ok = new ArrayList<>();
        for (int[] f : FRACTIONS) {
          if (e == Event.FRACTION_AS && f[0] != 1 && f[1] > 4) {
            continue;
          }
          BigDecimal part = value.multiply(BigDecimal.valueOf(f[0]));
          BigDecimal[] qr = part.divideAndRemainder(BigDecimal.valueOf(f[1]));
          boolean exact =
              money
                  ? part.multiply(BigDecimal.valueOf(100))
                          .remainder(BigDecimal.valueOf(f[1]))
                          .signum()
                      == 0
                  : qr[1].signum() == 0;
          if (exact) {
            ok.add(f);
          }
        }
        if (ok.isEmpty()) {
          return null;
        }
        int[] f = ok.get(rng.nextInt(ok.size()));
        String frac = Lexicon.fraction(f[0], f[1], rng.nextDouble() < 0.85);
        v.put("frac", frac);
        v.put("Frac", Slots.capitalize(frac));
        v.put("adj", Lexicon.ADJECTIVES.get(rng.nextInt(Lexicon.ADJECTIVES.size())));
      }
      case RATE -> v.put("r", Integer.toString(between(rng, 3, 8 + 4 * level)));
      default -> throw new IllegalStateException("not a body event: " + e);
    }
    return v;
  }

  private boolean question(Draft d, boolean withOp) {
    SplittableRandom rng = d.rng;
    Story st = d.story;
    Person p = st.subject();
    Quantity cur = st.holding(p);
    if (!withOp) {
      return attempt(
          d,
          Event.Q_CURRENT,
          cur.dim(),
          0,
          t -> {
            Map<String, String> v = new HashMap<>();
            putNouns(v, t, cur.item(), cur.adj(), cur.activity(), cur.unit());
            if (t.has("unit") && cur.dim() == Dim.MONEY && cur.unit() != Unit.DOLLARS) {
              return null;
            }
            if (!t.has("unit") && cur.dim() == Dim.MONEY && cur.unit() != Unit.DOLLARS) {
              return null;
            }
            return v;
          });
    }
    List<Event> options = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    if (cur.dim() != Dim.COUNT) {
      add(options, weights, Event.Q_CURRENT, 1.0);
    }
    List<Person> ps = st.persons();
    if (ps.size() >= 2) {
      add(options, weights, Event.Q_TOTAL, 1.5);
      add(options, weights, Event.Q_DIFFERENCE, 1.2);
    }
    if (cur.dim() == Dim.COUNT || cur.dim() == Dim.MONEY) {
      add(options, weights, Event.Q_SHARE, 0.8);
    }
    if (options.isEmpty()) {
      return false;
    }
    for (int tries = 0; tries < 6; tries++) {
      Event e = pick(rng, options, weights);
      boolean ok =
          attempt(
              d,
              e,
              cur.dim(),
              1,
              t -> {
                Map<String, String> v = new HashMap<>();
                putNouns(v, t, cur.item(), cur.adj(), cur.activity(), cur.unit());
                switch (e) {
                  case Q_CURRENT -> {
                    if (!t.has("unit")) {
                      return null;
                    }
                    Unit other = cur.unit().other();
                    v.put("unit", other.word);
                  }
                  case Q_TOTAL, Q_DIFFERENCE -> {
                    Person a = ps.get(ps.size() - 2);
                    Person b = ps.get(ps.size() - 1);
                    Quantity qa = st.holding(a);
                    Quantity qb = st.holding(b);
                    if (!t.has("A") && ps.size() != 2) {
                      return null;
                    }
                    if (e == Event.Q_DIFFERENCE) {
                      List<Story.ReadStep> steps = st.steps();
                      OpKind last =
                          steps.isEmpty() ? null : steps.get(steps.size() - 1).plan().kind();
                      if (last == OpKind.MORE_THAN || last == OpKind.FEWER_THAN) {
                        return null; // the difference would be the number just stated
                      }
                      int c = qa.value().compareTo(qb.value());
                      if (c == 0) {
                        return null;
                      }
                      if (c > 0) {
                        Person x = a;
                        a = b;
                        b = x;
                      }
                    }
                    v.put("A", a.name());
                    v.put("B", b.name());
                  }
                  case Q_SHARE -> {
                    List<Integer> ok2 = new ArrayList<>();
                    for (int k = 2; k <= 12; k++) {
                      BigDecimal each =
                          cur.value()
                              .multiply(BigDecimal.valueOf(100))
                              .remainder(BigDecimal.valueOf(k));
                      BigDecimal whole = cur.value().remainder(BigDecimal.valueOf(k));
                      if (cur.dim() == Dim.MONEY ? each.signum() == 0 : whole.signum() == 0) {
                        ok2.add(k);
                      }
                    }
                    if (ok2.isEmpty()) {
                      return null;
                    }
                    v.put("k", Integer.toString(ok2.get(rng.nextInt(ok2.size()))));
                  }
                  default -> throw new IllegalStateException("not a question: " + e);
                }
                return v;
              });
      if (ok && st != d.story && d.story.stepCount() == st.stepCount() + 1) {
        return true;
      }
      if (ok) {
        return false;
      }
    }
    return false;
  }

  private Sentence distractor(Draft d) {
    SplittableRandom rng = d.rng;
    List<Template> group = selection.group(Event.DISTRACTOR, Dim.COUNT);
    if (group.isEmpty()) {
      return null;
    }
    Template t = group.get(rng.nextInt(group.size()));
    Map<String, String> v = new HashMap<>();
    List<Person> ps = d.story.persons();
    v.put("A", ps.get(rng.nextInt(ps.size())).name());
    v.put("X", bystander(d).name());
    v.put("relative", Lexicon.RELATIVES.get(rng.nextInt(Lexicon.RELATIVES.size())));
    v.put("place", Lexicon.PLACES.get(rng.nextInt(Lexicon.PLACES.size())));
    List<Item> others = new ArrayList<>();
    for (Item i : Lexicon.ITEMS) {
      boolean held = false;
      for (Person p : ps) {
        Quantity q = d.story.holding(p);
        held |= q != null && q.item() != null && q.item().plural().equals(i.plural());
      }
      if (!held) {
        others.add(i);
      }
    }
    v.put("items2", others.get(rng.nextInt(others.size())).plural());
    int k;
    if (t.text.contains("years old")) {
      k = between(rng, 5, 70);
    } else if (t.text.contains("in the morning")) {
      k = between(rng, 6, 10);
    } else if (t.text.contains("kilometers from")) {
      k = between(rng, 2, 10 + 5 * d.level);
    } else if (t.text.contains("minutes to walk")) {
      k = 5 * between(rng, 1, 12);
    } else {
      k = nice(rng, d.level);
    }
    v.put("k", Integer.toString(k));
    return new Sentence(t, v, null, false);
  }

  // ------------------------------------------------------------------ numbers and words

  private static void putNouns(
      Map<String, String> v, Template t, Item item, String adj, Activity act, Unit unit) {
    if (item != null) {
      String pre = adj == null ? "" : adj + " ";
      v.put("items", pre + item.plural());
      v.put("item", pre + item.singular());
      if (item.container() != null) {
        v.put("containers", item.containers());
        v.put("container", item.container());
      }
    }
    if (act != null) {
      v.put("acts", act.third());
      v.put("act", act.base());
      v.put("acting", act.gerund());
    }
    if (unit != null && t.has("unit")) {
      v.put("unit", unit.word);
    }
  }

  private static Person newPerson(Draft d, Person contrast) {
    List<Person> people = Lexicon.PEOPLE;
    for (int i = 0; i < 100; i++) {
      Person p = people.get(d.rng.nextInt(people.size()));
      if (d.story.persons().contains(p)) {
        continue;
      }
      if (contrast != null && p.female() == contrast.female() && d.rng.nextDouble() < 0.7) {
        continue;
      }
      return p;
    }
    throw new IllegalStateException("no free name");
  }

  private static Person bystander(Draft d) {
    return newPerson(d, null);
  }

  private static Item pickItem(SplittableRandom rng, boolean container, boolean dozen) {
    for (int i = 0; i < 100; i++) {
      Item it = Lexicon.ITEMS.get(rng.nextInt(Lexicon.ITEMS.size()));
      if ((!dozen || it.dozen()) && (!container || it.container() != null)) {
        return it;
      }
    }
    return Lexicon.ITEMS.get(3);
  }

  private static Activity pickActivity(SplittableRandom rng, boolean movement) {
    for (int i = 0; i < 100; i++) {
      Activity a = Lexicon.ACTIVITIES.get(rng.nextInt(Lexicon.ACTIVITIES.size()));
      if (!movement || a.movement()) {
        return a;
      }
    }
    return Lexicon.ACTIVITIES.get(6);
  }

  static int between(SplittableRandom rng, int lo, int hi) {
    return hi <= lo ? lo : lo + rng.nextInt(hi - lo + 1);
  }

  /** A count that often has many divisors, so later percents and fractions can be exact. */
  static int nice(SplittableRandom rng, int level) {
    int max = MAX_BASE[level - 1];
    int min = level <= 2 ? 2 : 5;
    int k = between(rng, min, max);
    if (rng.nextDouble() < 0.55) {
      int[] ms = {2, 4, 5, 6, 10, 12, 20};
      int m = ms[rng.nextInt(ms.length)];
      k = Math.max(m, (k / m) * m);
    }
    return k;
  }

  private static BigDecimal moneyAmount(SplittableRandom rng, int level) {
    BigDecimal v = BigDecimal.valueOf(nice(rng, level));
    if (level >= 4 && rng.nextDouble() < 0.3) {
      v = v.add(new BigDecimal("0.50"));
    }
    return v;
  }

  /** A price: whole dollars, from level 3 on sometimes with 25 or 50 cents. */
  private static BigDecimal price(SplittableRandom rng, int lo, int hi, int level) {
    BigDecimal v = BigDecimal.valueOf(between(rng, lo, Math.max(lo, hi)));
    if (level >= 3 && rng.nextDouble() < 0.35) {
      v = v.add(rng.nextBoolean() ? new BigDecimal("0.50") : new BigDecimal("0.25"));
    }
    return v;
  }

  private static int measure(SplittableRandom rng, Unit unit, int level) {
    return switch (unit) {
      case HOURS -> between(rng, 2, Math.min(12, 3 + level));
      case MINUTES -> 5 * between(rng, 2, 6 + 3 * level);
      case KILOMETERS -> between(rng, 2, 5 + 5 * level);
      case METERS -> 50 * between(rng, 2, 10 + 4 * level);
      default -> throw new IllegalStateException("not a measure unit: " + unit);
    };
  }

  private static int amountMax(Unit unit, int level) {
    if (unit == null) {
      return MAX_BASE[level - 1];
    }
    return switch (unit) {
      case HOURS -> 6;
      case KILOMETERS -> 5 + 3 * level;
      default -> MAX_BASE[level - 1];
    };
  }

  private static int amount(SplittableRandom rng, Unit unit, int level) {
    if (unit == null) {
      return between(rng, 2, MAX_BASE[level - 1]);
    }
    return switch (unit) {
      case HOURS -> between(rng, 2, 6);
      case MINUTES -> 5 * between(rng, 2, 12);
      case KILOMETERS -> between(rng, 2, 5 + 3 * level);
      case METERS -> 100 * between(rng, 1, 9);
      default -> between(rng, 2, MAX_BASE[level - 1]);
    };
  }

  private static List<Integer> divisors(BigDecimal value, int lo, int hi) {
    List<Integer> out = new ArrayList<>();
    if (!Numbers.isInteger(value)) {
      return out;
    }
    long v = value.longValueExact();
    for (int k = lo; k <= hi; k++) {
      if (v % k == 0) {
        out.add(k);
      }
    }
    return out;
  }

  private static void add(List<Event> options, List<Double> weights, Event e, double w) {
    options.add(e);
    weights.add(w);
  }

  private static Event pick(SplittableRandom rng, List<Event> options, List<Double> weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rng.nextDouble() * total;
    for (int i = 0; i < options.size(); i++) {
      u -= weights.get(i);
      if (u < 0) {
        return options.get(i);
      }
    }
    return options.get(options.size() - 1);
  }
}
