/**
 * Training data from searched trees: policy SFT records ({@link
 * io.rstar4j.train.data.SftSelection}) and step-level preference pairs for the PPM ({@link
 * io.rstar4j.train.data.PreferencePairs}), with the reference's rules, field names and JSON layout,
 * streamed a tree at a time by {@link io.rstar4j.train.data.TrainingDataExtractor}.
 */
package io.rstar4j.train.data;
