/**
 * Tokenizer training: {@link io.rstar4j.train.tokenizer.BpeTrainer} learns a byte-level BPE
 * tokenizer for a corpus (such as the embedded domain's questions and solutions), with the step
 * tags and prompt markers as special tokens and digits one per token, and writes a Hugging Face
 * {@code tokenizer.json} ({@link io.rstar4j.train.tokenizer.TrainedTokenizer}).
 */
package io.rstar4j.train.tokenizer;
