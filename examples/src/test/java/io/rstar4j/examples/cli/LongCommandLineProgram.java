package io.rstar4j.examples.cli;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.GenerationConfig;
import io.rstar4j.core.model.GenerationResult;
import java.nio.file.Path;

/**
 * A library user's program for {@link LongCommandLineTest}: opens a model export with {@link
 * CausalLm} and prints one greedy completion's token count, then {@code ok}.
 */
public final class LongCommandLineProgram {
  private LongCommandLineProgram() {}

  public static void main(String[] args) throws Exception {
    try (CausalLm lm = CausalLm.builder(Path.of(args[0])).build()) {
      GenerationResult r =
          lm.generate(
              "Hello there",
              1,
              GenerationConfig.of(SamplingParams.builder().temperature(0).maxTokens(4).build()));
      System.out.println(r.completionTokens());
    }
    // a user's own call after the runtime's: the same process-wide environment
    ai.onnxruntime.OrtEnvironment.getEnvironment();
    System.out.println("ok");
  }
}
