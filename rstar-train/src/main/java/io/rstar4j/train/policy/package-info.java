/**
 * Policy SFT on ONNX Runtime: {@link io.rstar4j.train.policy.OnnxPolicyTrainer} fine-tunes a
 * decoder export (fully or with LoRA) on {@code {query, response}} records and writes an export of
 * the same layout; {@link io.rstar4j.train.policy.DecoderInit} writes a fresh random decoder for a
 * tokenizer, to train from scratch.
 */
package io.rstar4j.train.policy;
