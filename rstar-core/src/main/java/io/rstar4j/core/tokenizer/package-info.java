/**
 * Tokenizers in pure Java, loaded from Hugging Face {@code tokenizer.json} files with {@link
 * io.rstar4j.core.tokenizer.Tokenizers}: byte-level BPE (Qwen, GPT-2, Llama 3) and WordPiece
 * (BERT-style encoders), equal to the Hugging Face (Rust) tokenizers id for id on the tested data.
 *
 * <p>Known deviations from the reference: text normalization (NFC, BERT's cleaning) uses the JDK's
 * Unicode tables, newer than the reference's, so characters assigned in recent Unicode versions
 * (e.g. combining marks added after Unicode 9) may normalize differently; a lone surrogate in Java
 * text is encoded as one U+FFFD.
 */
package io.rstar4j.core.tokenizer;
