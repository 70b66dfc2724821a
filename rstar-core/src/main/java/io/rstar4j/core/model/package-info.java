/**
 * The model runtime on ONNX Runtime: {@link io.rstar4j.core.model.CausalLm} loads a Hugging Face
 * Optimum style export of a causal LM ({@code model.onnx}, {@code tokenizer.json}, {@code
 * config.json}) on CUDA or the CPU and generates in batches with a KV cache, sampling as a {@link
 * io.rstar4j.core.SamplingParams} says (temperature, top-p, top-k, seeds, stop strings) with {@code
 * n} samples per {@link io.rstar4j.core.model.Prompt} sharing one prefill; prompt prefixes are kept
 * in a prefix cache (a token trie) within a byte budget so that siblings and later expansions of a
 * search node reuse their parent's keys and values. {@link io.rstar4j.core.model.OnnxPolicy} puts
 * it behind the {@link io.rstar4j.core.Policy} SPI. {@link io.rstar4j.core.model.GraphSession} runs
 * any other ONNX graph (training steps, encoders) with plain-Java {@link
 * io.rstar4j.core.model.Tensor}s, so that no code outside this package touches ONNX Runtime's
 * types. {@link io.rstar4j.core.model.TinyQwen2} generates tiny Qwen2-architecture decoders with
 * the same inputs and outputs as a real export.
 *
 * <p>Every session opens through one factory with a typed {@link
 * io.rstar4j.core.model.ProviderChoice}. To run on a GPU, replace the {@code
 * com.microsoft.onnxruntime:onnxruntime} dependency by {@code
 * com.microsoft.onnxruntime:onnxruntime_gpu} (same version) and install CUDA and cuDNN; {@link
 * io.rstar4j.core.model.ProviderChoice#AUTO} then picks CUDA, and falls back to the CPU with one
 * log line when it cannot be used.
 *
 * <p>All references are non-null unless documented otherwise.
 */
package io.rstar4j.core.model;
