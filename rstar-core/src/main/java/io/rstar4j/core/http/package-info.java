/**
 * Policies served over HTTP: {@link io.rstar4j.core.http.OpenAiCompatiblePolicy} talks to an
 * OpenAI-compatible {@code /v1/completions} endpoint (vLLM, SGLang, ...), which is how most users
 * serve a 7B policy model; {@link io.rstar4j.core.http.HttpRewardModel} scores steps with a reward
 * model served by vLLM's pooling API or SGLang's classify API. Both reach one server or a fleet of
 * them ({@link io.rstar4j.core.http.EndpointStats} per server).
 */
package io.rstar4j.core.http;
