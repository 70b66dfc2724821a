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
   * @return one list per request, in order, each with exactly {@code n} generations (duplicates
   *     allowed: the search removes them)
   */
  List<List<Generation>> propose(List<PolicyRequest> batch);

  /** Convenience for a single request. */
  default List<Generation> propose(PolicyRequest request) {
    return propose(List.of(request)).get(0);
  }

  /** Releases native resources; a no-op by default. */
  @Override
  default void close() {}
}
