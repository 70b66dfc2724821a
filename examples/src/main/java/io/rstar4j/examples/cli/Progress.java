package io.rstar4j.examples.cli;

import io.rstar4j.train.evolve.SolveProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work on stderr, drawn by {@code me.tongfei:progressbar}: on a terminal a bar
 * redrawn in place; elsewhere (CI logs, tests, {@code 2> log}) plain lines, one when the work
 * starts, at most one per {@link #PLAIN_INTERVAL_MS} while it advances, and one when it ends:
 *
 * <pre>
 * rstar solve 100% [==========================] 3/3 problems (0:00:01 / 0:00:00) 2.50 problems/s
 * </pre>
 *
 * <p>Whether stderr is a terminal: the {@code rstar.progress} system property ({@code bar} or
 * {@code lines}; the {@code rstar} script sets it from {@code [ -t 2 ]}), else {@code
 * $RSTAR_PROGRESS}, else whether the JVM has a console. A stream other than {@link System#err}
 * always gets lines.
 */
final class Progress implements AutoCloseable {
  static final int PLAIN_INTERVAL_MS = 10_000;
  static final int PLAIN_WIDTH = 100;

  private final ProgressBar bar;
  private volatile Duration eta;
  private boolean closed;

  private Progress(PrintStream err, String task, long total, String unit, boolean callerEta) {
    ProgressBarBuilder b =
        new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(unit, 1);
    if (callerEta) {
      b.setEtaFunction(state -> Optional.ofNullable(eta));
    }
    if (interactive(err)) {
      b.setStyle(ProgressBarStyle.UNICODE_BLOCK)
          .setUpdateIntervalMillis(500)
          .setConsumer(new ConsoleProgressBarConsumer(err));
    } else {
      b.setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(PLAIN_INTERVAL_MS)
          .setConsumer(new DelegatingProgressBarConsumer(new Lines(err), PLAIN_WIDTH));
    }
    bar = b.build();
  }

  /** A bar over {@code total} items of {@code unit} (e.g. {@code " steps"}), linear ETA. */
  static Progress start(PrintStream err, String task, long total, String unit) {
    return new Progress(err, task, total, unit, false);
  }

  /** A bar over a search's problems, with the runner's own rate and ETA. */
  static Progress search(PrintStream err, String task, long problems) {
    return new Progress(err, task, problems, " problems", true);
  }

  /** A search's progress: problems done, resumed, rate and ETA. */
  synchronized void update(SolveProgress p) {
    double s = p.etaSeconds();
    eta = Double.isNaN(s) || Double.isInfinite(s) ? null : Duration.ofSeconds(Math.round(s));
    update(
        p.done(),
        p.total(),
        String.format(Locale.ROOT, "%.3g problems/s", p.problemsPerSecond())
            + (p.resumed() > 0 ? " (" + p.resumed() + " resumed)" : ""));
  }

  /** {@code done} of {@code total}, with a note after the bar (loss, rate, ...). */
  synchronized void update(long done, long total, String note) {
    bar.maxHint(total);
    bar.setExtraMessage(note);
    bar.stepTo(done);
  }

  /** Draws the final state and stops drawing; later calls do nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      bar.close();
    }
  }

  /** Plain lines: each drawing on its own line, a drawing the same as the last one left out. */
  private static final class Lines implements Consumer<String> {
    private final PrintStream err;
    private String last;

    Lines(PrintStream err) {
      this.err = err;
    }

    @Override
    public synchronized void accept(String drawing) {
      String line = drawing.stripTrailing();
      if (!line.equals(last)) {
        last = line;
        err.println(line);
        err.flush();
      }
    }
  }

  static boolean interactive(PrintStream err) {
    if (err != System.err) {
      return false;
    }
    String mode = System.getProperty("rstar.progress", System.getenv("RSTAR_PROGRESS"));
    if (mode != null) {
      return mode.equals("bar");
    }
    return System.console() != null;
  }
}
