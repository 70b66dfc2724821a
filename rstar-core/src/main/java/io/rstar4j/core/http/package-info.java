/**
 * Policies served over HTTP: {@link io.rstar4j.core.http.OpenAiCompatiblePolicy} talks to an
 * OpenAI-compatible {@code /v1/completions} endpoint (vLLM, SGLang, ...), which is how most users
 * serve a 7B policy model.
 */
package io.rstar4j.core.http;
