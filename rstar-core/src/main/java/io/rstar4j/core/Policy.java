package io.rstar4j.core;

import java.util.List;

/**
 * The policy model: proposes candidate next steps. Batched by design: one call serves many tree
 * nodes (of many problems), so implementations can share work across the batch.
 *
 * <p>Implementations ship for ONNX Runtime (a local exported model) and for OpenAI-compatible
 * servers (vLLM, SGLang); tests use scripted policies that implement this same interface.
 */
public interface Policy extends AutoCloseable {

  /**
   * Proposes {@code request.n()} candidates for each request.
   *
   * @param batch the requests; never null, may be empty
   * @return one list per request, in order, each with at most {@code n} generations (duplicates
   *     allowed: the search removes them; fewer when the model has nothing more to propose)
   * @throws SpiException when the model cannot generate (a server unreachable or failing, ONNX
   *     Runtime failing); the message names the cause
   */
  List<List<Generation>> propose(List<PolicyRequest> batch);

  /**
   * Convenience for a single request.
   *
   * @throws SpiException as {@link #propose(List)}
   * @throws IllegalStateException if the implementation returns no list for the request
   */
  default List<Generation> propose(PolicyRequest request) {
    List<List<Generation>> out = propose(List.of(request));
    if (out == null || out.size() != 1) {
      throw new IllegalStateException(
          "Policy.propose must return one list per request: got "
              + (out == null ? "null" : out.size() + " lists")
              + " for 1 request");
    }
    return out.get(0);
  }

  /**
   * Releases native resources; a no-op by default.
   *
   * @throws SpiException when releasing them fails
   */
  @Override
  default void close() {}
}
