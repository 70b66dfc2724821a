package io.rstar4j.train.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The words of the domain: people, things, activities, units, fractions and multipliers. */
final class Lexicon {
  private Lexicon() {}

  /** A person of a story. */
  record Person(String name, boolean female) {
    String subject(boolean capital) {
      return female ? (capital ? "She" : "she") : (capital ? "He" : "he");
    }

    String possessive(boolean capital) {
      return female ? (capital ? "Her" : "her") : (capital ? "His" : "his");
    }

    String object() {
      return female ? "her" : "him";
    }
  }

  /** A countable thing and what it is packed in ({@code container} null when it is a container). */
  record Item(String singular, String plural, String container, String containers, boolean dozen) {
    Item asContainer() {
      return new Item(container, containers, null, null, false);
    }
  }

  /** Something a person does for a time or over a distance. */
  record Activity(String base, String third, String gerund, boolean movement) {}

  static final List<Person> PEOPLE = people();

  static final List<Item> ITEMS =
      List.of(
          new Item("apple", "apples", "basket", "baskets", false),
          new Item("marble", "marbles", "jar", "jars", false),
          new Item("sticker", "stickers", "sheet", "sheets", false),
          new Item("pencil", "pencils", "box", "boxes", true),
          new Item("cookie", "cookies", "tray", "trays", true),
          new Item("egg", "eggs", "carton", "cartons", true),
          new Item("book", "books", "shelf", "shelves", false),
          new Item("trading card", "trading cards", "pack", "packs", false),
          new Item("flower", "flowers", "vase", "vases", false),
          new Item("seashell", "seashells", "bucket", "buckets", false),
          new Item("bead", "beads", "bag", "bags", false),
          new Item("toy car", "toy cars", "crate", "crates", false),
          new Item("cupcake", "cupcakes", "box", "boxes", true),
          new Item("orange", "oranges", "crate", "crates", false),
          new Item("stamp", "stamps", "album", "albums", false),
          new Item("crayon", "crayons", "box", "boxes", false),
          new Item("balloon", "balloons", "bunch", "bunches", false),
          new Item("candy", "candies", "jar", "jars", false),
          new Item("muffin", "muffins", "tray", "trays", true),
          new Item("comic book", "comic books", "stack", "stacks", false),
          new Item("button", "buttons", "tin", "tins", false),
          new Item("lemon", "lemons", "bag", "bags", false),
          new Item("potato", "potatoes", "sack", "sacks", false),
          new Item("notebook", "notebooks", "pack", "packs", false),
          new Item("rose", "roses", "bouquet", "bouquets", true),
          new Item("donut", "donuts", "box", "boxes", true),
          new Item("bagel", "bagels", "bag", "bags", true),
          new Item("peach", "peaches", "basket", "baskets", false));

  static final List<Activity> ACTIVITIES =
      List.of(
          new Activity("practice the piano", "practices the piano", "practicing the piano", false),
          new Activity("study", "studies", "studying", false),
          new Activity("play chess", "plays chess", "playing chess", false),
          new Activity("read", "reads", "reading", false),
          new Activity("paint", "paints", "painting", false),
          new Activity("do homework", "does homework", "doing homework", false),
          new Activity("run", "runs", "running", true),
          new Activity("walk", "walks", "walking", true),
          new Activity("cycle", "cycles", "cycling", true),
          new Activity("swim", "swims", "swimming", true),
          new Activity("jog", "jogs", "jogging", true),
          new Activity("hike", "hikes", "hiking", true));

  static final List<String> ADJECTIVES =
      List.of("red", "blue", "green", "yellow", "white", "purple", "small", "large");

  static final List<String> THINGS =
      List.of(
          "a new bike",
          "lunch",
          "a book",
          "groceries",
          "a gift",
          "a video game",
          "movie tickets",
          "school supplies",
          "a jacket",
          "a board game");

  static final List<String> RELATIVES =
      List.of("brother", "sister", "cousin", "aunt", "uncle", "grandmother", "neighbor", "friend");

  static final List<String> PLACES =
      List.of("school", "park", "library", "store", "beach", "zoo", "museum", "pool");

  /**
   * Fractions in words, by {numerator, denominator}; {@code n/d} is written as digits otherwise.
   */
  static final Map<String, int[]> FRACTION_WORDS = fractionWords();

  private static final Map<String, Person> BY_NAME = new HashMap<>();
  private static final Map<String, Item> BY_PLURAL = new HashMap<>();
  private static final Map<String, Item> BY_SINGULAR = new HashMap<>();
  private static final Map<String, Activity> BY_THIRD = new HashMap<>();
  private static final Map<String, Activity> BY_BASE = new HashMap<>();
  private static final Map<String, Activity> BY_GERUND = new HashMap<>();

  static {
    for (Person p : PEOPLE) {
      BY_NAME.put(p.name(), p);
    }
    for (Item i : ITEMS) {
      BY_PLURAL.put(i.plural(), i);
      BY_SINGULAR.put(i.singular(), i);
      BY_PLURAL.putIfAbsent(i.containers(), i.asContainer());
      BY_SINGULAR.putIfAbsent(i.container(), i.asContainer());
    }
    for (Activity a : ACTIVITIES) {
      BY_THIRD.put(a.third(), a);
      BY_BASE.put(a.base(), a);
      BY_GERUND.put(a.gerund(), a);
    }
  }

  private static List<Person> people() {
    List<Person> out = new ArrayList<>();
    for (String n :
        List.of(
            "Tom", "James", "Liam", "Noah", "Ethan", "Mason", "Lucas", "Henry", "Jack", "Owen",
            "Ryan", "Leo", "Adam", "Omar", "Ravi", "Kenji", "Diego", "Mateo", "Samuel", "Felix",
            "Hugo", "Oscar", "Victor", "Aaron")) {
      out.add(new Person(n, false));
    }
    for (String n :
        List.of(
            "Emma", "Olivia", "Ava", "Mia", "Sofia", "Lily", "Chloe", "Grace", "Zoe", "Nora",
            "Ruby", "Hannah", "Aisha", "Priya", "Mei", "Elena", "Lucia", "Sara", "Julia", "Clara",
            "Alice", "Maya", "Nina", "Rosa")) {
      out.add(new Person(n, true));
    }
    return List.copyOf(out);
  }

  private static Map<String, int[]> fractionWords() {
    Map<String, int[]> m = new java.util.LinkedHashMap<>();
    m.put("half", new int[] {1, 2});
    m.put("a third", new int[] {1, 3});
    m.put("two thirds", new int[] {2, 3});
    m.put("a quarter", new int[] {1, 4});
    m.put("three quarters", new int[] {3, 4});
    m.put("a fifth", new int[] {1, 5});
    m.put("two fifths", new int[] {2, 5});
    m.put("three fifths", new int[] {3, 5});
    m.put("four fifths", new int[] {4, 5});
    m.put("a sixth", new int[] {1, 6});
    m.put("five sixths", new int[] {5, 6});
    m.put("an eighth", new int[] {1, 8});
    m.put("three eighths", new int[] {3, 8});
    m.put("a tenth", new int[] {1, 10});
    m.put("three tenths", new int[] {3, 10});
    return java.util.Collections.unmodifiableMap(m);
  }

  static Person person(String name) {
    return BY_NAME.get(name);
  }

  static Item itemByPlural(String plural) {
    return BY_PLURAL.get(plural);
  }

  static Item itemBySingular(String singular) {
    return BY_SINGULAR.get(singular);
  }

  static Activity activityByThird(String s) {
    return BY_THIRD.get(s);
  }

  static Activity activityByBase(String s) {
    return BY_BASE.get(s);
  }

  static Activity activityByGerund(String s) {
    return BY_GERUND.get(s);
  }

  /** The fraction phrase for n/d: words when there are any, else {@code n/d}. */
  static String fraction(int n, int d, boolean words) {
    if (words) {
      for (Map.Entry<String, int[]> e : FRACTION_WORDS.entrySet()) {
        if (e.getValue()[0] == n && e.getValue()[1] == d) {
          return e.getKey();
        }
      }
    }
    return n + "/" + d;
  }

  /** {numerator, denominator} of a fraction phrase (any case), or null. */
  static int[] parseFraction(String s) {
    String l = s.toLowerCase(java.util.Locale.ROOT);
    int[] w = FRACTION_WORDS.get(l);
    if (w != null) {
      return w.clone();
    }
    int slash = l.indexOf('/');
    if (slash > 0) {
      try {
        return new int[] {
          Integer.parseInt(l.substring(0, slash)), Integer.parseInt(l.substring(slash + 1))
        };
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static final String[] TIMES_WORDS = {null, null, "twice", "three times", "four times"};

  /** A multiplier phrase: {@code twice}, {@code three times}, {@code 5 times}. */
  static String times(int k, boolean words) {
    if (words && k < TIMES_WORDS.length && TIMES_WORDS[k] != null) {
      return TIMES_WORDS[k];
    }
    return k + " times";
  }

  /** The factor of a multiplier phrase, or -1. */
  static int parseTimes(String s) {
    for (int k = 2; k < TIMES_WORDS.length; k++) {
      if (TIMES_WORDS[k].equals(s)) {
        return k;
      }
    }
    if (s.endsWith(" times")) {
      try {
        return Integer.parseInt(s.substring(0, s.length() - " times".length()));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  static final List<String> SCALE_VERBS = List.of("doubles", "triples", "quadruples");

  /** A regex alternation of the strings, longest first, each quoted. */
  static String alternation(List<String> words) {
    List<String> sorted = new ArrayList<>(words);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    StringBuilder sb = new StringBuilder("(?:");
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0) {
        sb.append('|');
      }
      sb.append(Pattern.quote(sorted.get(i)));
    }
    return sb.append(')').toString();
  }

  static List<String> names() {
    List<String> out = new ArrayList<>();
    for (Person p : PEOPLE) {
      out.add(p.name());
    }
    return out;
  }

  /** Every plural noun phrase a count can have: items, containers, and adjective + item. */
  static List<String> pluralPhrases() {
    List<String> out = new ArrayList<>(BY_PLURAL.keySet());
    for (String p : BY_PLURAL.keySet()) {
      for (String a : ADJECTIVES) {
        out.add(a + " " + p);
      }
    }
    return out;
  }

  static List<String> singularPhrases() {
    List<String> out = new ArrayList<>(BY_SINGULAR.keySet());
    for (String p : BY_SINGULAR.keySet()) {
      for (String a : ADJECTIVES) {
        out.add(a + " " + p);
      }
    }
    return out;
  }
}
