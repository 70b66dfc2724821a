package io.rstar4j.mcts;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import java.util.List;

/**
 * Stopwatches around the SPI an evaluation calls: time inside the policy, the verifier and the
 * reward model, and the policy's completion tokens. Single-threaded, like the search loop.
 */
final class Timed {
  long policyNanos;
  long verifierNanos;
  long rewardNanos;
  long tokens;
  long generations;

  Policy policy(Policy p) {
    return new Policy() {
      @Override
      public List<List<Generation>> propose(List<PolicyRequest> batch) {
        long t = System.nanoTime();
        List<List<Generation>> out;
        try {
          out = p.propose(batch);
        } finally {
          policyNanos += System.nanoTime() - t;
        }
        if (out != null) {
          for (List<Generation> gs : out) {
            if (gs != null) {
              for (Generation g : gs) {
                if (g != null) {
                  tokens += g.completionTokens();
                  generations++;
                }
              }
            }
          }
        }
        return out;
      }
    };
  }

  RewardModel rewardModel(RewardModel r) {
    if (r == null) {
      return null;
    }
    return batch -> {
      long t = System.nanoTime();
      try {
        return r.score(batch);
      } finally {
        rewardNanos += System.nanoTime() - t;
      }
    };
  }

  Verifier verifier(Verifier v) {
    return new Verifier() {
      @Override
      public ExecutionOutcome execute(String program) {
        long t = System.nanoTime();
        try {
          return v.execute(program);
        } finally {
          verifierNanos += System.nanoTime() - t;
        }
      }

      @Override
      public ExecutionOutcome executeStep(Trajectory before, Step step) {
        long t = System.nanoTime();
        try {
          return v.executeStep(before, step);
        } finally {
          verifierNanos += System.nanoTime() - t;
        }
      }

      @Override
      public List<ExecutionOutcome> executeSteps(List<StepInContext> steps) {
        long t = System.nanoTime();
        try {
          return v.executeSteps(steps);
        } finally {
          verifierNanos += System.nanoTime() - t;
        }
      }

      @Override
      public List<ExecutionOutcome> executeAll(List<String> programs) {
        long t = System.nanoTime();
        try {
          return v.executeAll(programs);
        } finally {
          verifierNanos += System.nanoTime() - t;
        }
      }
    };
  }
}
