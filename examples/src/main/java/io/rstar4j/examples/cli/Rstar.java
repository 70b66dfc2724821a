package io.rstar4j.examples.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** The {@code rstar} command line: dispatches to the subcommands listed in {@link #COMMANDS}. */
@CommandLine.Command(
    name = "rstar",
    customSynopsis = "rstar COMMAND [OPTIONS]    (rstar COMMAND --help for a command's options)",
    description = "rStar-Math on the JVM: MCTS over code-augmented reasoning steps.")
public final class Rstar {

  /** Every subcommand, in the order {@code --help} lists them; a fresh instance per run. */
  static final Map<String, Supplier<RstarCommand>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("mcts-demo", MctsDemoCommand::new);
    COMMANDS.put("mcts-replay", MctsReplayCommand::new);
    COMMANDS.put("run-python", RunPythonCommand::new);
    COMMANDS.put("grade", GradeCommand::new);
    COMMANDS.put("extract", ExtractCommand::new);
    COMMANDS.put("tokenize", TokenizeCommand::new);
    COMMANDS.put("generate", GenerateCommand::new);
    COMMANDS.put("make-tiny-model", MakeTinyModelCommand::new);
    COMMANDS.put("train-ppm", TrainPpmCommand::new);
    COMMANDS.put("train-policy", TrainPolicyCommand::new);
    COMMANDS.put("score", ScoreCommand::new);
    COMMANDS.put("solve", SolveCommand::new);
    COMMANDS.put("eval", EvalCommand::new);
    COMMANDS.put("evolve", EvolveCommand::new);
    COMMANDS.put("view", ViewCommand::new);
    COMMANDS.put("evolve-demo", EvolveDemoCommand::new);
  }

  private Rstar() {}

  public static void main(String[] args) {
    int code = run(Arrays.asList(args), System.in, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs the command line; returns the exit code. Used by tests. */
  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    if (args.isEmpty()
        || args.get(0).equals("--help")
        || args.get(0).equals("-h")
        || args.get(0).equals("help")) {
      if (args.size() >= 2 && COMMANDS.containsKey(args.get(1))) {
        out.print(command(args.get(1)).getUsageMessage());
        return 0;
      }
      (args.isEmpty() ? err : out).print(help());
      return args.isEmpty() ? 2 : 0;
    }
    String name = args.get(0);
    if (!COMMANDS.containsKey(name)) {
      err.println("rstar: unknown command '" + name + "'");
      err.print(help());
      return 2;
    }
    CommandLine cl = command(name);
    RstarCommand c = cl.getCommand();
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(cl.getUsageMessage());
      return 0;
    }
    try {
      Cli.parse(cl, rest, c.ignoresArguments());
      return c.run(in, out, err);
    } catch (UsageException e) {
      err.println("rstar " + name + ": " + e.getMessage());
      err.print(cl.getUsageMessage());
      return 2;
    } catch (Exception e) {
      err.println("rstar " + name + ": " + describe(e));
      if (System.getenv("RSTAR_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  /** The subcommand's command line, named "rstar NAME" in its help. */
  private static CommandLine command(String name) {
    return Cli.rules(Cli.commandLine(COMMANDS.get(name).get()).setCommandName("rstar " + name));
  }

  /** {@code rstar --help}: every command with its one-line summary. */
  private static String help() {
    CommandLine root = Cli.commandLine(new Rstar());
    for (Map.Entry<String, Supplier<RstarCommand>> e : COMMANDS.entrySet()) {
      root.addSubcommand(e.getKey(), Cli.commandLine(e.getValue().get()));
    }
    return Cli.rules(root).getUsageMessage();
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
