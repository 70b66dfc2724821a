package io.rstar4j.train.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One tensor dimension as far as the graph tells: a static size, a symbolic size, or unknown. A
 * symbolic size is an integer polynomial over named dimensions ({@code 2*sequence_length}, {@code
 * past_sequence_length + sequence_length}); the same polynomial means the same size. Also one
 * element of a tracked integer tensor (a shape, axes), where a static value may be negative.
 *
 * @param terms monomial (its symbols sorted and joined by {@code *}, "" for the constant) to
 *     coefficient, without zero coefficients; null when unknown
 */
record Dim(Map<String, Long> terms) {
  static final Dim UNKNOWN = new Dim(null);
  static final Dim ONE = of(1);

  Dim {
    if (terms != null) {
      TreeMap<String, Long> t = new TreeMap<>();
      for (Map.Entry<String, Long> e : terms.entrySet()) {
        if (e.getValue() != 0) {
          t.put(e.getKey(), e.getValue());
        }
      }
      terms = Collections.unmodifiableMap(t);
    }
  }

  static Dim of(long size) {
    return new Dim(Map.of("", size));
  }

  static Dim symbol(String name) {
    return name == null || name.isEmpty() ? UNKNOWN : new Dim(Map.of(name, 1L));
  }

  /**
   * A dimension parameter as exporters write them: a name, or a sum of {@code [N*]name} and integer
   * terms ({@code "past_sequence_length + 1"}); names found in {@code bindings} are replaced by
   * their value.
   */
  static Dim parse(String param, Map<String, Dim> bindings) {
    if (param == null || param.isBlank()) {
      return UNKNOWN;
    }
    if (!param.matches("[\\sA-Za-z0-9_.*+]+")) {
      Dim b = bindings.get(param);
      return b != null ? b : symbol(param);
    }
    Dim sum = of(0);
    for (String term : param.split("\\+")) {
      Dim prod = ONE;
      for (String f : term.trim().split("\\*")) {
        String s = f.trim();
        if (s.isEmpty()) {
          return symbol(param);
        }
        Dim x;
        if (s.matches("\\d+")) {
          x = of(Long.parseLong(s));
        } else {
          Dim b = bindings.get(s);
          x = b != null ? b : symbol(s);
        }
        prod = prod.times(x);
      }
      sum = sum.plus(prod);
    }
    return sum;
  }

  boolean isKnown() {
    return terms != null;
  }

  boolean isStatic() {
    return terms != null && (terms.isEmpty() || terms.size() == 1 && terms.containsKey(""));
  }

  /** The static size (0 when not static). */
  long size() {
    return terms == null ? 0 : terms.getOrDefault("", 0L);
  }

  boolean is(long n) {
    return isStatic() && size() == n;
  }

  /** The dimension's name for a value info; null unless symbolic. */
  String symbol() {
    if (terms == null || isStatic()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : terms.entrySet()) {
      if (e.getKey().isEmpty()) {
        parts.add(Long.toString(e.getValue()));
      } else {
        parts.add(e.getValue() == 1 ? e.getKey() : e.getValue() + "*" + e.getKey());
      }
    }
    return String.join(" + ", parts);
  }

  /** Whether both are known to be the same size (the same polynomial). */
  boolean sameAs(Dim o) {
    return terms != null && terms.equals(o.terms);
  }

  Dim plus(Dim o) {
    if (terms == null || o.terms == null) {
      return UNKNOWN;
    }
    Map<String, Long> t = new TreeMap<>(terms);
    o.terms.forEach((k, v) -> t.merge(k, v, Long::sum));
    return new Dim(t);
  }

  Dim minus(Dim o) {
    return plus(o.times(of(-1)));
  }

  Dim times(Dim o) {
    if (terms == null || o.terms == null) {
      return UNKNOWN;
    }
    Map<String, Long> t = new TreeMap<>();
    for (Map.Entry<String, Long> a : terms.entrySet()) {
      for (Map.Entry<String, Long> b : o.terms.entrySet()) {
        t.merge(mono(a.getKey(), b.getKey()), a.getValue() * b.getValue(), Long::sum);
      }
    }
    return new Dim(t);
  }

  private static String mono(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    List<String> s = new ArrayList<>(Arrays.asList(a.split("\\*")));
    s.addAll(Arrays.asList(b.split("\\*")));
    Collections.sort(s);
    return String.join("*", s);
  }

  /** The exact quotient by a monomial, or unknown when it does not divide every term. */
  Dim dividedBy(Dim o) {
    if (terms == null || o.terms == null || o.terms.size() != 1) {
      return UNKNOWN;
    }
    Map.Entry<String, Long> d = o.terms.entrySet().iterator().next();
    List<String> ds = d.getKey().isEmpty() ? List.of() : Arrays.asList(d.getKey().split("\\*"));
    Map<String, Long> t = new TreeMap<>();
    for (Map.Entry<String, Long> e : terms.entrySet()) {
      if (e.getValue() % d.getValue() != 0) {
        return UNKNOWN;
      }
      List<String> s =
          e.getKey().isEmpty()
              ? new ArrayList<>()
              : new ArrayList<>(Arrays.asList(e.getKey().split("\\*")));
      for (String x : ds) {
        if (!s.remove(x)) {
          return UNKNOWN;
        }
      }
      t.put(String.join("*", s), e.getValue() / d.getValue());
    }
    return new Dim(t);
  }

  /** The product, symbolic when factors are. */
  static Dim product(List<Dim> dims) {
    Dim p = ONE;
    for (Dim d : dims) {
      p = p.times(d);
    }
    return p;
  }

  /** Numpy broadcasting of two aligned dimensions. */
  static Dim broadcast(Dim a, Dim b) {
    if (a.is(1)) {
      return b;
    }
    if (b.is(1)) {
      return a;
    }
    if (a.isStatic()) {
      return a;
    }
    if (b.isStatic()) {
      return b;
    }
    return a.sameAs(b) ? a : UNKNOWN;
  }

  @Override
  public String toString() {
    return terms == null ? "?" : isStatic() ? Long.toString(size()) : symbol();
  }
}
