package io.rstar4j.verify.grade;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grader's regression corpus: answer pairs with the verdicts that {@link MathGrader#standard()}
 * and {@link MathGrader#strict()} gave them when the corpus was recorded, so that a change to the
 * grader shows every verdict it changes ({@link RegressionCorpusTest}).
 *
 * <p>The pairs: every pair of the existing tests ({@code grade/pairs.txt} and the parameterised
 * pairs of {@link MathGraderTest}), the rewrites and near misses of {@link GoldAnswerRewrites} on
 * every MATH gold answer, probe forms of the gold answers for the rules of issue 12 (chains of
 * equalities, approximations, decimal commas, fraction macros, percent words, labels, labelled
 * lists, relations, absolute values, matrices) with their near misses, and random pairs of two gold
 * answers (almost all unequal: a net for false positives).
 *
 * <p>The file is a gzipped list of lines {@code S T <tab> gold <tab> pred}, S and T the standard
 * and strict verdicts (1 or 0), tabs, newlines and backslash-t/n escaped. It was written once,
 * before the grader changed; regenerate only to add pairs, never to absorb a changed verdict:
 *
 * <pre>
 * java -cp ... io.rstar4j.verify.grade.RegressionCorpus OUT.tsv.gz
 * </pre>
 */
final class RegressionCorpus {

  /** The corpus on the test class path. */
  static final String RESOURCE = "/grade/regression-corpus.tsv.gz";

  /** One pair and its recorded verdicts. */
  record Entry(String gold, String pred, boolean standard, boolean strict) {}

  private static final Pattern INTEGER = Pattern.compile("^-?\\d+$");
  private static final Pattern DECIMAL = Pattern.compile("^-?\\d+\\.\\d+$");
  private static final Pattern SIMPLE_FRAC =
      Pattern.compile("^(-?)\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}$");
  private static final Pattern FRAC_ENTRY =
      Pattern.compile("(-?)\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}|(-?)(\\d+)/(\\d+)");
  private static final Pattern INTERVAL =
      Pattern.compile("^([\\(\\[])\\s*(-?\\d+)\\s*,\\s*(-?\\d+)\\s*([\\)\\]])$");
  private static final Pattern OUTSIDE =
      Pattern.compile(
          "^\\(-\\\\infty,\\s*(-?\\d+)([\\)\\]])\\s*\\\\cup\\s*([\\(\\[])(-?\\d+),\\s*\\\\infty\\)$");
  private static final Pattern TUPLE = Pattern.compile("^\\((-?\\d+),\\s*(-?\\d+)\\)$");

  private RegressionCorpus() {}

  /** Writes the corpus with the current verdicts to {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    List<String[]> pairs = pairs();
    MathGrader standard = MathGrader.standard();
    MathGrader strict = MathGrader.strict();
    Path out = Path.of(args[0]);
    Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "corpus", ".tmp");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(tmp));
        Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8)) {
      for (String[] p : pairs) {
        boolean s = standard.equivalent(p[1], p[0]);
        boolean t = strict.equivalent(p[1], p[0]);
        w.write((s ? "1" : "0") + " " + (t ? "1" : "0") + "\t" + esc(p[0]) + "\t" + esc(p[1]));
        w.write('\n');
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println(pairs.size() + " pairs written to " + out);
  }

  /** The recorded corpus. */
  static List<Entry> load() {
    List<Entry> out = new ArrayList<>();
    try (InputStream in =
            new GZIPInputStream(
                Objects.requireNonNull(
                    RegressionCorpus.class.getResourceAsStream(RESOURCE), RESOURCE));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        out.add(new Entry(unesc(f[1]), unesc(f[2]), f[0].charAt(0) == '1', f[0].charAt(2) == '1'));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  static String unesc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Every pair {gold, pred}, without duplicates, in a fixed order. */
  static List<String[]> pairs() throws IOException {
    Set<List<String>> seen = new LinkedHashSet<>();
    // the existing tests' pairs
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    RegressionCorpus.class.getResourceAsStream("/grade/pairs.txt")),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] p = line.split("\\|", 3);
          seen.add(List.of(p[1], p[2]));
        }
      }
    }
    for (String name : List.of("equalPairs", "unequalPairs")) {
      try {
        Method m = MathGraderTest.class.getDeclaredMethod(name, String.class, String.class);
        for (String v : m.getAnnotation(CsvSource.class).value()) {
          String[] p = v.split("\\|", 2);
          seen.add(List.of(p[0], p[1]));
        }
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }
    List<String> golds = GoldAnswerRewrites.golds("/benchmarks/MATH_test.json");
    for (String g : golds) {
      seen.add(List.of(g, g));
      for (GoldAnswerRewrites.Case c : GoldAnswerRewrites.equalForms(g)) {
        seen.add(List.of(c.gold(), c.variant()));
      }
      for (GoldAnswerRewrites.Case c : GoldAnswerRewrites.nearMisses(g)) {
        seen.add(List.of(c.gold(), c.variant()));
      }
      for (String p : probes(g)) {
        seen.add(List.of(g, p));
      }
    }
    for (String[] p : handPicked()) {
      seen.add(List.of(p[0], p[1]));
    }
    // random pairs of two gold answers, and of a gold answer and another's rewrite
    Random rnd = new Random(12);
    for (int k = 0; k < 30_000; k++) {
      String a = golds.get(rnd.nextInt(golds.size()));
      String b = golds.get(rnd.nextInt(golds.size()));
      if (k % 3 == 2) {
        List<String> forms = probes(b);
        if (!forms.isEmpty()) {
          b = forms.get(rnd.nextInt(forms.size()));
        }
      }
      seen.add(List.of(a, b));
    }
    List<String[]> out = new ArrayList<>(seen.size());
    for (List<String> p : seen) {
      out.add(new String[] {p.get(0), p.get(1)});
    }
    return out;
  }

  private static String fmt(double v, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }

  /** Probe forms of {@code g} for the rules of issue 12: equal forms and near misses. */
  static List<String> probes(String g) {
    List<String> out = new ArrayList<>();
    boolean integer = INTEGER.matcher(g).matches();
    boolean decimal = DECIMAL.matcher(g).matches();
    Matcher frac = SIMPLE_FRAC.matcher(g);
    boolean isFrac = frac.matches();
    boolean scalar = integer || decimal || isFrac;
    if (scalar || !g.matches(".*[=<>,;:].*") && g.length() < 40) {
      // labels
      out.add("MN = " + g);
      out.add("AB=" + g);
      out.add("S_{ABC} = " + g);
      out.add("\\angle ABC = " + g);
      out.add("|AB| = " + g);
      out.add("x_1 = " + g);
      out.add("2x = " + g);
      out.add("xy = " + g);
      out.add("x + y = " + g);
      // approximations
      out.add(g + " \\approx 1.5");
      out.add(g + " \\sim 1.5");
      out.add("x = " + g + " \\approx 1.5");
      // fraction macros
      if (g.contains("\\frac")) {
        out.add(g.replace("\\frac", "\\cfrac"));
        out.add(g.replace("\\frac", "\\tfrac"));
        out.add(g.replace("\\frac", "\\sfrac"));
      }
    }
    if (integer) {
      long n = Long.parseLong(g);
      out.add("t = " + (n - 1) + " + 1 = " + n);
      out.add((n - 1) + " + 1 = " + n);
      out.add("t = " + n + " + 1 = " + (n + 1));
      out.add(n + " + 1 = " + (n + 1));
      out.add("t = " + n + " = " + (n + 1));
      out.add("t = 2 \\cdot " + n + " = " + (2 * n));
      out.add(n + " pct");
      out.add(n + " percent");
      out.add(n + " \\text{ percent}");
      out.add(n + " percentage");
      out.add(n + " per cent");
      out.add(fmt(n / 100.0, 4));
      out.add(n + ",5");
      out.add(n + ",50");
      out.add(n + ",500");
      out.add("0," + Math.abs(n));
      if (Math.abs(n) < 1000) {
        out.add(n + ",5,7");
      }
    }
    if (decimal) {
      out.add(g.replace('.', ','));
      out.add(g.replace(".", "{,}"));
      String digits = g.substring(g.indexOf('.') + 1);
      if (digits.length() > 1) {
        out.add(g.replace('.', ',').substring(0, g.length() - 1));
      }
      out.add(g + "\\%");
      out.add(g + " pct");
    }
    if (isFrac) {
      double v = Double.parseDouble(frac.group(2)) / Double.parseDouble(frac.group(3));
      String sign = frac.group(1);
      out.add(g + " \\approx " + sign + fmt(v, 2));
      out.add(g + " \\approx " + sign + fmt(v, 4));
      out.add("x = " + g + " \\approx " + sign + fmt(v, 3));
      out.add(
          sign
              + "\\frac{"
              + (Long.parseLong(frac.group(2)) + 1)
              + "}{"
              + frac.group(3)
              + "} \\approx "
              + sign
              + fmt(v, 4));
      out.add(sign + fmt(v, 4).replace('.', ','));
      out.add(sign + "\\cfrac{" + frac.group(2) + "}{" + frac.group(3) + "}");
      out.add(sign + "\\cfrac{" + (Long.parseLong(frac.group(2)) + 1) + "}{" + frac.group(3) + "}");
      out.add(sign + fmt(100 * v, 4) + " percent");
      out.add(sign + fmt(100 * v, 4) + " pct");
      out.add(sign + fmt(v, 4) + " pct");
      out.add("k = " + sign + "\\frac{2}{2} \\cdot " + g.substring(sign.length()) + " = " + g);
    }
    if (g.contains("\\%")) {
      String n = g.replace("\\%", "");
      out.add(n + " percent");
      out.add(n + " pct");
      out.add(n + "\\text{ pct}");
      out.add(n + " percentage");
      out.add(n + "%");
      out.add(n);
    }
    Matcher iv = INTERVAL.matcher(g);
    if (iv.matches()) {
      String lo = iv.group(2);
      String hi = iv.group(3);
      String l = iv.group(1).equals("[") ? "\\le" : "<";
      String r = iv.group(4).equals("]") ? "\\le" : "<";
      out.add(lo + " " + l + " t " + r + " " + hi);
      out.add("t \\in " + g);
      out.add(lo + " " + r + " t " + l + " " + hi);
      long a = Long.parseLong(lo);
      long b = Long.parseLong(hi);
      if ((a + b) % 2 == 0 && l.equals(r)) {
        long c = (a + b) / 2;
        long w = (b - a) / 2;
        String inner = c == 0 ? "x" : c > 0 ? "x - " + c : "x + " + (-c);
        out.add("|" + inner + "| " + l + " " + w);
        out.add("|" + inner + "| " + (l.equals("<") ? "\\le" : "<") + " " + w);
        out.add("|" + inner + "| " + l + " " + (w + 1));
      }
    }
    Matcher ou = OUTSIDE.matcher(g);
    if (ou.matches()) {
      long a = Long.parseLong(ou.group(1));
      long b = Long.parseLong(ou.group(4));
      boolean closed = ou.group(2).equals("]");
      if ((a + b) % 2 == 0) {
        long c = (a + b) / 2;
        long w = (b - a) / 2;
        String inner = c == 0 ? "x" : c > 0 ? "x - " + c : "x + " + (-c);
        out.add("|" + inner + "| " + (closed ? "\\ge" : ">") + " " + w);
        out.add("|" + inner + "| " + (closed ? ">" : "\\ge") + " " + w);
        out.add("|" + inner + "| " + (closed ? "\\le" : "<") + " " + w);
      }
      out.add("x < " + a + " \\text{ or } x > " + b);
    }
    Matcher tu = TUPLE.matcher(g);
    if (tu.matches()) {
      String a = tu.group(1);
      String b = tu.group(2);
      out.add("a=" + a + ",b=" + b);
      out.add("a=" + b + ",b=" + a);
      out.add("a=" + a + ",b=" + b + "; a=" + b + ",b=" + a);
      out.add(g + " \\text{ or } (" + b + "," + a + ")");
      out.add(g + "or(" + b + "," + a + ")");
      out.add("p=" + a + ", q=" + b);
    }
    if (g.contains("),") || g.contains(")\\cup")) {
      out.add(g.replace("),", ") \\text{ or } "));
      out.add(g.replace("),", ");"));
    }
    if (g.contains("pmatrix") && FRAC_ENTRY.matcher(g).find()) {
      out.add(decimalEntries(g, 4));
      out.add(decimalEntries(g, 2));
      out.add(g.replace("pmatrix", "bmatrix"));
      out.add(g.replaceAll("\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}", "$1/$2"));
      out.add(g.replaceAll("(\\d+)/(\\d+)", "\\\\frac{$1}{$2}"));
      out.add(g.replaceAll("(\\d+)/(\\d+)", "\\\\dfrac{$1}{$2}"));
    } else if (g.contains("pmatrix")) {
      out.add(g.replaceAll("(?<![\\d.])(\\d+)(?![\\d.])", "$1.0"));
      out.add(g.replace("pmatrix", "bmatrix"));
    }
    out.removeIf(p -> p.equals(g));
    return out;
  }

  private static String decimalEntries(String g, int places) {
    Matcher m = FRAC_ENTRY.matcher(g);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      boolean latex = m.group(2) != null;
      String sign = latex ? m.group(1) : m.group(4);
      double p = Double.parseDouble(latex ? m.group(2) : m.group(5));
      double q = Double.parseDouble(latex ? m.group(3) : m.group(6));
      m.appendReplacement(sb, Matcher.quoteReplacement(sign + fmt(p / q, places)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Pairs written for issue 12's rules and for the common forms of final answers. */
  static List<String[]> handPicked() {
    String[][] pairs = {
      {"12", "t = 3 \\cdot 4 = 12"},
      {"12", "3 \\cdot 4 = 12"},
      {"11", "x = 5+5+1 = 7 = 11"},
      {"12", "t = 12 = 3 \\cdot 5"},
      {"2/7", "2/7 \\approx 0.29"},
      {"0.29", "\\frac{2}{7} \\approx 0.29"},
      {"\\frac{2}{7}", "\\frac{2}{7} \\sim 0.29"},
      {"\\frac13", "x = 1/3 \\approx 0.33"},
      {"2.75", "2,75"},
      {"1000", "1,000"},
      {"1,5,7", "7,5,1"},
      {"1.5", "1,5,7"},
      {"1000.99", "1000,99"},
      {"1.22", "1,22"},
      {"0.111", "0,111"},
      {"111", "0,111"},
      {"1.234", "1,234"},
      {"\\frac{1}{2}", "\\cfrac{1}{2}"},
      {"\\frac{1}{2}", "\\cfrac12"},
      {"\\frac{1}{2}", "\\tfrac12"},
      {"\\frac{1}{2}", "\\sfrac{1}{2}"},
      {"\\frac{1}{2}", "\\nicefrac{1}{2}"},
      {"\\frac{1}{2}", "{1 \\over 2}"},
      {"\\frac{1}{3}", "\\cfrac{1}{2}"},
      {"50\\%", "50 percent"},
      {"50\\%", "50 pct"},
      {"50\\%", "50 pct."},
      {"50\\%", "50 percentage"},
      {"50\\%", "50 per cent"},
      {"50\\%", "50%"},
      {"\\frac12", "50 pct"},
      {"\\frac12", "50 percent"},
      {"0.5", "50 pct"},
      {"50", "50 pct"},
      {"5", "50 pct"},
      {"7", "MN = 7"},
      {"7", "MN = 8"},
      {"7", "\\overline{MN} = 7"},
      {"7", "|AB| = 7"},
      {"7", "m\\angle ABC = 7"},
      {"3:5", "S_1:S_2 = 3:5"},
      {"3:5", "S_1 : S_2 = 5:3"},
      {"3:5", "5:3"},
      {"7:32", "S_{MBCN}:S=7:32"},
      {"11:21", "V_{1}:V_{2}=11:21"},
      {"1", "A:B=1"},
      {"4, 5", "AB=4,CD=5"},
      {"5, 4", "AB=4,CD=5"},
      {"\\frac{1}{\\sqrt{6}}", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}"},
      {"(1,4),(2,3)", "a=1,b=4; a=2,b=3"},
      {"(1,4),(2,3)", "a=1,b=4 \\text{ or } a=2,b=3"},
      {"(1,4),(2,3)", "a=1,b=3; a=2,b=4"},
      {"(5,2),(7,2)", "p=5,q=2;p=7,q=2"},
      {"(1,4),(2,3)", "(1,4) \\text{ or } (2,3)"},
      {"(11,7),(7,11)", "(11,7)or(7,11)"},
      {"(11,7),(7,11)", "(11,7)or(7,12)"},
      {"1, 2, 3", "1, 2, or 3"},
      {"1, 2, 3", "1, 2; 3"},
      {"t \\in (0,3]", "0 < t \\le 3"},
      {"(0,3]", "0 < t \\le 3"},
      {"(0,3]", "0 \\le t \\le 3"},
      {"(-\\infty,-1)\\cup(3,\\infty)", "|x-1| > 2"},
      {"(-\\infty,-1]\\cup[3,\\infty)", "|x-1| \\ge 2"},
      {"(-\\infty,-1)\\cup(3,\\infty)", "|x-1| \\ge 2"},
      {"(-\\infty,-1)\\cup(3,\\infty)", "|x-1| < 2"},
      {"(-1,3)", "|x-1| < 2"},
      {"[-1,3]", "|x-1| \\le 2"},
      {"[-1,3]", "|1-x| \\le 2"},
      {"(-1,2)", "|2x-1| < 3"},
      {"[-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2}]", "1\\leq|z|\\leq \\frac{3}{2}"},
      {"[-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2}]", "1<|z|\\leq \\frac{3}{2}"},
      {
        "\\begin{pmatrix}1/2 & 0.5\\end{pmatrix}",
        "\\begin{pmatrix}\\frac{1}{2} & \\frac12\\end{pmatrix}"
      },
      {"\\begin{pmatrix}1/2 \\\\ 1/4\\end{pmatrix}", "\\begin{bmatrix}0.5 \\\\ 0.25\\end{bmatrix}"},
      {"\\begin{pmatrix}1/2 \\\\ 1/4\\end{pmatrix}", "\\begin{bmatrix}0.5 \\\\ 0.26\\end{bmatrix}"},
      {
        "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
        "\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]"
      },
      {
        "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
        "\\begin{pmatrix}1 & 2 \\\\ 3 & 4 \\\\ \\end{pmatrix}"
      },
      {
        "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
        "\\begin{matrix}1 & 2 \\\\ 3 & 4\\end{matrix}"
      },
      {
        "\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
        "\\begin{smallmatrix}1 & 2 \\\\ 3 & 4\\end{smallmatrix}"
      },
      {"\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}", "(\\begin{pmatrix}1 \\\\ 2\\end{pmatrix})"},
      {"x \\in \\{1,2\\}", "\\{1, 2\\}"},
      {"x \\in \\{1,2\\}", "1, 2"},
      {"x \\in \\{1,2\\}", "\\{1, 3\\}"},
      {"2\\frac{1}{2}", "2.5"},
      {"2\\frac{1}{2}", "\\frac{5}{2}"},
      {"2\\frac{1}{2}", "1"},
      {"2 \\frac{1}{2}", "2.5"},
      {"\\boxed{\\boxed{5}}", "5"},
      {"\\text{5 cm}", "5"},
      {"5 \\text{cm}", "5"},
      {"5 \\mbox{cm}", "5"},
      {"90^\\circ", "90"},
      {"90^{\\circ}", "90 degrees"},
      {"90^\\circ", "\\frac{\\pi}{2}"},
      {"\\$5.00", "5"},
      {"\\$5", "\\$5.00"},
      {"\\pm 3", "3, -3"},
      {"\\pm 3", "x = \\pm 3"},
      {"\\pm 3", "3"},
      {"\\frac{1 \\pm \\sqrt{5}}{2}", "\\frac{1+\\sqrt5}{2}, \\frac{1-\\sqrt5}{2}"},
      {"\\boxed{1}, \\boxed{2}", "1, 2"},
      {"\\boxed{1} \\text{ and } \\boxed{2}", "1, 2"},
      {"\\boxed{1}\\boxed{2}", "\\boxed{1,2}"},
      {"\\boxed{3} so the answer is \\boxed{7}", "7"},
      {"\\boxed{3} so the answer is \\boxed{7}", "3, 7"},
    };
    List<String[]> out = new ArrayList<>();
    for (String[] p : pairs) {
      out.add(p);
    }
    return out;
  }
}
