package io.rstar4j.examples;

import io.rstar4j.core.Policy;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.http.OpenAiCompatiblePolicy;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags the examples share: {@code --server URL MODEL} or {@code --model DIR} (default: the
 * project's tiny random decoder, which shows the plumbing but solves nothing), {@code --cpython}
 * (python3 worker processes instead of the in-process GraalPy sandbox); what is left are the
 * example's own arguments.
 */
final class ExampleArgs {
  String server;
  String served;
  Path model;
  boolean cpython;
  final List<String> rest = new ArrayList<>();

  static ExampleArgs parse(String[] args) {
    ExampleArgs a = new ExampleArgs();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--server" -> {
          a.server = args[++i];
          a.served = args[++i];
        }
        case "--model" -> a.model = Path.of(args[++i]);
        case "--cpython" -> a.cpython = true;
        default -> a.rest.add(args[i]);
      }
    }
    return a;
  }

  /** The policy: the server's, the model's, or a tiny random decoder's. */
  Policy policy(double temperature) throws IOException {
    SamplingParams.Builder s = SamplingParams.stepSearch().toBuilder().temperature(temperature);
    if (server != null) {
      return OpenAiCompatiblePolicy.builder()
          .baseUrl(server)
          .model(served)
          .sampling(s.topP(1.0).build())
          .build();
    }
    Path dir = model;
    if (dir == null) {
      dir = Files.createTempDirectory("rstar-tiny-policy");
      TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
      System.err.println("no policy given: using a tiny random decoder in " + dir);
      s.maxTokens(32);
    }
    return OnnxPolicy.builder(CausalLm.load(dir)).sampling(s.build()).build();
  }

  Verifier verifier() throws IOException {
    return cpython ? CPythonVerifier.builder().build() : GraalPyVerifier.builder().build();
  }
}
