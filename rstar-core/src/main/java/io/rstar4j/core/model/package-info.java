/**
 * The model runtime on ONNX Runtime: {@link io.rstar4j.core.model.CausalLm} loads a Hugging Face
 * Optimum style export of a causal LM ({@code model.onnx}, {@code tokenizer.json}, {@code
 * config.json}) on CUDA or the CPU and generates in batches with a KV cache, temperature, top-p,
 * top-k, seeds, stop strings and {@code n} samples per prompt sharing one prefill; prompt prefixes
 * are kept in an LRU prefix cache within a byte budget so that siblings and later expansions of a
 * search node reuse their parent's keys and values. {@link io.rstar4j.core.model.OnnxPolicy} puts
 * it behind the {@link io.rstar4j.core.Policy} SPI. {@link io.rstar4j.core.model.TinyQwen2}
 * generates tiny Qwen2-architecture decoders with the same inputs and outputs as a real export.
 *
 * <p>To run on a GPU, replace the {@code com.microsoft.onnxruntime:onnxruntime} dependency by
 * {@code com.microsoft.onnxruntime:onnxruntime_gpu} (same version) and install CUDA and cuDNN;
 * {@link io.rstar4j.core.model.ProviderChoice#AUTO} then picks CUDA, and falls back to the CPU with
 * one log line when it cannot be used.
 *
 * <p>All references are non-null unless documented otherwise.
 */
package io.rstar4j.core.model;
