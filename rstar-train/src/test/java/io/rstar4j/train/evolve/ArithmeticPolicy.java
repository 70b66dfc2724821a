package io.rstar4j.train.evolve;

import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted policy for "What is A + B?" questions, writing real rStar-format code steps: the first
 * step adds (right) or multiplies or subtracts (wrong), the second prints the result, the third
 * boxes the printed output read back from the prompt. Candidates rotate with a call counter so that
 * different expansions propose different orders.
 */
final class ArithmeticPolicy implements Policy {
  private static final Pattern QUESTION = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
  private static final Pattern OUTPUT =
      Pattern.compile("<output>(.*?)<end_of_output>", Pattern.DOTALL);

  final AtomicLong calls = new AtomicLong();
  final AtomicLong requests = new AtomicLong();

  static Problem problem(String id, int a, int b) {
    return Problem.of(id, "What is " + a + " + " + b + "?", Integer.toString(a + b));
  }

  @Override
  public List<List<Generation>> propose(List<PolicyRequest> batch) {
    long call = calls.incrementAndGet();
    requests.addAndGet(batch.size());
    List<List<Generation>> out = new ArrayList<>();
    for (PolicyRequest r : batch) {
      out.add(candidates(r, call));
    }
    return out;
  }

  private static List<Generation> candidates(PolicyRequest r, long call) {
    String prompt = r.prompt();
    List<Generation> gens = new ArrayList<>();
    if (prompt.contains("<end_of_code>")) {
      Matcher m = OUTPUT.matcher(prompt);
      String v = "0";
      while (m.find()) {
        v = m.group(1).trim();
      }
      gens.add(Generation.of("<answer>The answer is \\boxed{" + v + "}<end_of_answer>"));
      return gens;
    }
    if (prompt.contains("<end_of_step>")) {
      gens.add(Generation.of("\n# Now print the final answer\nprint(result)\n<end_of_code>"));
      return gens;
    }
    Matcher q = QUESTION.matcher(r.problem().question());
    if (!q.find()) {
      throw new IllegalArgumentException("not an addition question: " + r.problem().question());
    }
    String a = q.group(1);
    String b = q.group(2);
    List<String> steps =
        List.of(
            "<code>\n# Add the two numbers together to get the total sum\nresult = "
                + a
                + " + "
                + b
                + "\n<end_of_step>",
            "<code>\n# Multiply them, which is the wrong operation for this question\nresult = "
                + a
                + " * "
                + b
                + "\n<end_of_step>",
            "<code>\n# Subtract the second from the first number (a mistake)\nresult = "
                + a
                + " - "
                + b
                + "\n<end_of_step>");
    for (int i = 0; i < r.n(); i++) {
      gens.add(Generation.of(steps.get((int) ((i + call) % steps.size()))));
    }
    return gens;
  }
}
