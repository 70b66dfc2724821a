/**
 * Training on ONNX Runtime without its training build: reverse-mode gradients over ONNX graphs,
 * written in standard operators only, so that an ordinary (inference) session runs a whole training
 * step.
 *
 * <p>{@link io.rstar4j.train.autodiff.TrainingGraphBuilder} takes a forward model (a decoder, a
 * scorer), the names of its trainable initializers and a scalar loss (its own, or one appended by
 * {@link io.rstar4j.train.autodiff.Losses}: weighted next-token cross-entropy for SFT, the
 * reference's pairwise preference loss for the PPM) and emits one {@link
 * io.rstar4j.train.autodiff.TrainingGraph}: forward, backward, clipping by global norm and an AdamW
 * update, with the learning rate, weight decay, clipping norm and step number as inputs; or a
 * {@link io.rstar4j.train.autodiff.GradientGraph} with the gradients as outputs. {@link
 * io.rstar4j.train.autodiff.TrainingSession} runs the step graph with the parameters and moments in
 * two sets of direct buffers that swap each step.
 *
 * <p>Correctness: every rule is checked against central finite differences in double precision over
 * random shapes and broadcasts, and whole decoders against PyTorch (see the tests).
 */
package io.rstar4j.train.autodiff;
