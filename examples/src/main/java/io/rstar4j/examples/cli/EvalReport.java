package io.rstar4j.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.mcts.EvalMethod;
import io.rstar4j.mcts.Evaluation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The outputs of {@code rstar eval --methods}: the terminal table, the JSON and the plot. */
final class EvalReport {
  private EvalReport() {}

  /** The terminal table, one row per method and budget. */
  static void table(List<Evaluation> evals, PrintStream out) {
    String head =
        String.format(
            Locale.ROOT,
            "%-32s %6s %9s %17s %10s %9s %7s %7s %7s %7s",
            "method",
            "budget",
            "accuracy",
            "95% Wilson",
            "tokens/pb",
            "s/pb",
            "policy",
            "verify",
            "reward",
            "engine");
    out.println(head);
    out.println("-".repeat(head.length()));
    for (Evaluation e : evals) {
      double[] w = e.wilson95();
      Evaluation.Timing t = e.timing();
      out.println(
          String.format(
              Locale.ROOT,
              "%-32s %6d %9s %17s %10.1f %9.3f %6.1f%% %6.1f%% %6.1f%% %6.1f%%",
              e.method().family(),
              e.method().budget(),
              e.graded() == 0 ? "-" : String.format(Locale.ROOT, "%d/%d", e.correct(), e.graded()),
              e.graded() == 0
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f [%.3f,%.3f]", e.accuracy(), w[0], w[1]),
              e.tokensPerProblem(),
              e.secondsPerProblem(),
              100 * t.share(t.policyNanos()),
              100 * t.share(t.verifierNanos()),
              100 * t.share(t.rewardModelNanos()),
              100 * t.share(t.engineNanos())));
    }
  }

  /** The JSON document of an evaluation run. */
  static JsonObject json(String benchmark, int problems, List<Evaluation> evals) {
    JsonObject root = new JsonObject();
    root.addProperty("benchmark", benchmark);
    root.addProperty("problems", problems);
    JsonArray results = new JsonArray();
    for (Evaluation e : evals) {
      JsonObject r = new JsonObject();
      EvalMethod m = e.method();
      r.addProperty("method", m.family());
      r.addProperty("budget", m.budget());
      r.addProperty("trajectories", m.trajectories());
      r.addProperty("problems", e.outcomes().size());
      r.addProperty("graded", e.graded());
      r.addProperty("answered", e.answered());
      r.addProperty("correct", e.correct());
      double[] w = e.wilson95();
      r.addProperty("accuracy", e.graded() == 0 ? null : e.accuracy());
      r.addProperty("ci95_low", e.graded() == 0 ? null : w[0]);
      r.addProperty("ci95_high", e.graded() == 0 ? null : w[1]);
      r.addProperty("tokens_per_problem", e.tokensPerProblem());
      r.addProperty(
          "generations_per_problem",
          e.outcomes().isEmpty() ? 0.0 : (double) e.generations() / e.outcomes().size());
      r.addProperty("seconds_per_problem", e.secondsPerProblem());
      Evaluation.Timing t = e.timing();
      r.addProperty("seconds", t.wallNanos() / 1e9);
      JsonObject share = new JsonObject();
      share.addProperty("policy", t.share(t.policyNanos()));
      share.addProperty("verifier", t.share(t.verifierNanos()));
      share.addProperty("reward_model", t.share(t.rewardModelNanos()));
      share.addProperty("engine", t.share(t.engineNanos()));
      r.add("time_share", share);
      JsonArray outcomes = new JsonArray();
      for (Evaluation.Outcome o : e.outcomes()) {
        JsonObject j = new JsonObject();
        j.addProperty("id", o.id());
        j.addProperty("answer", o.answer().orElse(null));
        j.addProperty("correct", o.correct().orElse(null));
        j.addProperty("score", Double.isNaN(o.score()) ? null : o.score());
        outcomes.add(j);
      }
      r.add("outcomes", outcomes);
      results.add(r);
    }
    root.add("results", results);
    return root;
  }

  static void writeJson(Path file, JsonObject doc) throws IOException {
    String text = new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(doc);
    atomic(file, (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The test-time scaling plot: accuracy against generated tokens (or trajectories) per problem,
   * one line per method, as BASE.svg and BASE.png.
   *
   * @param byTokens x = tokens per problem, else trajectories per problem
   * @return the two files written
   */
  static List<Path> plot(Path base, String title, List<Evaluation> evals, boolean byTokens)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(600)
            .title(title)
            .xAxisTitle(byTokens ? "generated tokens per problem" : "trajectories per problem")
            .yAxisTitle("accuracy")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisDecimalPattern("#,###");
    Map<String, List<Evaluation>> lines = new LinkedHashMap<>();
    for (Evaluation e : evals) {
      if (e.graded() > 0) {
        lines.computeIfAbsent(e.method().family(), k -> new ArrayList<>()).add(e);
      }
    }
    for (Map.Entry<String, List<Evaluation>> l : lines.entrySet()) {
      List<Evaluation> pts = new ArrayList<>(l.getValue());
      pts.sort(
          (a, b) ->
              Double.compare(
                  byTokens ? a.tokensPerProblem() : a.method().trajectories(),
                  byTokens ? b.tokensPerProblem() : b.method().trajectories()));
      double[] x = new double[pts.size()];
      double[] y = new double[pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        Evaluation e = pts.get(i);
        x[i] = Math.max(1e-9, byTokens ? e.tokensPerProblem() : e.method().trajectories());
        y[i] = e.accuracy();
      }
      XYSeries s = chart.addSeries(l.getKey(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineStyle(new BasicStroke(2f));
    }
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Evaluation e : evals) {
      double v = byTokens ? e.tokensPerProblem() : e.method().trajectories();
      lo = Math.min(lo, Math.max(v, 1e-9));
      hi = Math.max(hi, v);
    }
    chart.getStyler().setXAxisLogarithmic(hi / lo > 20); // budgets that span decades
    if (lines.isEmpty()) {
      chart.addSeries("no graded problems", new double[] {1}, new double[] {0});
    }
    String name = base.getFileName().toString().replaceFirst("\\.(svg|png)$", "");
    Path dir = base.toAbsolutePath().getParent();
    Path svg = dir.resolve(name + ".svg");
    Path png = dir.resolve(name + ".png");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(
        chart, buf, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    atomic(svg, buf.toByteArray());
    atomic(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    return List.of(svg, png);
  }

  /** Writes bytes atomically: a temporary file in the same directory, then a rename. */
  static void atomic(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
