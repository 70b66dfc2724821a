package io.rstar4j.train.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The slot vocabulary of the templates and the regex each slot matches. */
final class Slots {
  private Slots() {}

  /** Slots that refer to the sentence's subject, by name or pronoun. */
  static final Set<String> SUBJECT = Set.of("S", "s", "P", "p", "o");

  /** Slots that hold a number (the money slot holds {@code $N}). */
  static final Set<String> NUMBERS = Set.of("k", "k2", "r", "t", "pct", "m");

  private static final String NUMBER = "\\d+(?:\\.\\d+)?";
  private static final String NAMES = Lexicon.alternation(Lexicon.names());

  private static final Map<String, String> REGEX = build();

  private static Map<String, String> build() {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("S", "He|She|" + NAMES);
    m.put("s", "he|she|" + NAMES);
    m.put("P", "His|Her|" + NAMES + "'s");
    m.put("p", "his|her|" + NAMES + "'s");
    m.put("o", "him|her|" + NAMES);
    m.put("A", NAMES);
    m.put("B", NAMES);
    m.put("X", NAMES);
    for (String n : List.of("k", "k2", "r", "t", "pct")) {
      m.put(n, NUMBER);
    }
    m.put("m", "\\$\\d+(?:\\.\\d\\d)?");
    List<String> fr = new ArrayList<>(Lexicon.FRACTION_WORDS.keySet());
    m.put("frac", Lexicon.alternation(fr) + "|\\d+/\\d+");
    List<String> cap = new ArrayList<>();
    for (String f : fr) {
      cap.add(capitalize(f));
    }
    m.put("Frac", Lexicon.alternation(cap) + "|\\d+/\\d+");
    m.put("times", "twice|three times|four times|\\d+ times");
    m.put("scaleverb", Lexicon.alternation(Lexicon.SCALE_VERBS));
    m.put("items", Lexicon.alternation(Lexicon.pluralPhrases()));
    m.put("item", Lexicon.alternation(Lexicon.singularPhrases()));
    List<String> cs = new ArrayList<>();
    List<String> c1 = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (Lexicon.Item i : Lexicon.ITEMS) {
      cs.add(i.containers());
      c1.add(i.container());
      plain.add(i.plural());
    }
    m.put("containers", Lexicon.alternation(cs));
    m.put("container", Lexicon.alternation(c1));
    m.put("items2", Lexicon.alternation(plain));
    m.put("adj", Lexicon.alternation(Lexicon.ADJECTIVES));
    List<String> units = new ArrayList<>();
    for (Unit u : Unit.values()) {
      units.add(u.word);
    }
    m.put("unit", Lexicon.alternation(units));
    List<String> third = new ArrayList<>();
    List<String> base = new ArrayList<>();
    List<String> ger = new ArrayList<>();
    for (Lexicon.Activity a : Lexicon.ACTIVITIES) {
      third.add(a.third());
      base.add(a.base());
      ger.add(a.gerund());
    }
    m.put("acts", Lexicon.alternation(third));
    m.put("act", Lexicon.alternation(base));
    m.put("acting", Lexicon.alternation(ger));
    m.put("thing", Lexicon.alternation(Lexicon.THINGS));
    m.put("relative", Lexicon.alternation(Lexicon.RELATIVES));
    m.put("place", Lexicon.alternation(Lexicon.PLACES));
    return java.util.Collections.unmodifiableMap(m);
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * The regex of a slot (without a group).
   *
   * @throws IllegalStateException for an unknown slot
   */
  static String regex(String slot) {
    String r = REGEX.get(slot);
    if (r == null) {
      throw new IllegalStateException("unknown template slot {" + slot + "}");
    }
    return r;
  }
}
