package io.rstar4j.train.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sentence form: text with {@code {slot}} placeholders, rendered by the generator and turned
 * into an anchored regex for the reader. A slot used twice takes the same text both times.
 */
final class Template {
  private static final Pattern SLOT = Pattern.compile("\\{([A-Za-z0-9]+)\\}");

  final String id;
  final Event event;
  final Dim dim;
  final String text;
  final List<String> slots;
  final Pattern pattern;
  private final String[] literals;

  Template(String id, Event event, Dim dim, String text) {
    this.id = id;
    this.event = event;
    this.dim = dim;
    this.text = text;
    List<String> s = new ArrayList<>();
    List<String> lits = new ArrayList<>();
    Map<String, Integer> groupOf = new java.util.HashMap<>();
    StringBuilder re = new StringBuilder("^");
    Matcher m = SLOT.matcher(text);
    int last = 0;
    while (m.find()) {
      String name = m.group(1);
      re.append(quote(text.substring(last, m.start())));
      addLiteral(lits, text.substring(last, m.start()));
      Integer g = groupOf.get(name);
      if (g != null) {
        re.append("(?:\\").append(g).append(')');
      } else {
        re.append('(').append(Slots.regex(name)).append(')');
        s.add(name);
        groupOf.put(name, s.size());
      }
      last = m.end();
    }
    re.append(quote(text.substring(last))).append('$');
    addLiteral(lits, text.substring(last));
    this.literals = lits.toArray(new String[0]);
    this.slots = List.copyOf(s);
    this.pattern = Pattern.compile(re.toString());
  }

  private static void addLiteral(List<String> out, String literal) {
    String l = literal.strip();
    if (l.length() >= 2) {
      out.add(l);
    }
  }

  private static String quote(String literal) {
    return literal.isEmpty() ? "" : Pattern.quote(literal);
  }

  /** The group templates are held out by: event and dimension. */
  String group() {
    return event + "/" + dim;
  }

  boolean has(String slot) {
    return slots.contains(slot);
  }

  /** The sentence with every slot filled. */
  String render(Map<String, String> values) {
    StringBuilder sb = new StringBuilder();
    Matcher m = SLOT.matcher(text);
    int last = 0;
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalStateException("template " + id + ": no value for {" + m.group(1) + "}");
      }
      sb.append(text, last, m.start()).append(v);
      last = m.end();
    }
    return sb.append(text.substring(last)).toString();
  }

  /** The slot values of a sentence this template matches exactly, or null. */
  Map<String, String> match(String sentence) {
    for (String l : literals) {
      if (!sentence.contains(l)) {
        return null;
      }
    }
    Matcher m = pattern.matcher(sentence);
    if (!m.matches()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < slots.size(); i++) {
      out.put(slots.get(i), m.group(i + 1));
    }
    return out;
  }

  @Override
  public String toString() {
    return id + ": " + text;
  }
}
