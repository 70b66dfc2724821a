/**
 * The Process Preference Model: {@link io.rstar4j.train.ppm.ProcessPreferenceModel} (an ONNX {@link
 * io.rstar4j.train.ppm.Backbone} plus a {@link io.rstar4j.train.ppm.ValueHead} on the last non-pad
 * token, scores {@code tanh(r/5)}) and {@link io.rstar4j.train.ppm.PpmTrainer}, which fine-tunes
 * the head on preference pairs with the reference's pairwise loss and AdamW by running
 * training-step graphs in ordinary ONNX Runtime sessions (the Maven builds of ONNX Runtime cannot
 * train).
 *
 * <p>Directory layout read by {@link io.rstar4j.train.ppm.ProcessPreferenceModel#load}: {@code
 * ppm.json} (backbone directory and settings) with {@code value_head.json}; or a backbone directory
 * ({@code model.onnx}, {@code tokenizer.json}) holding {@code value_head.json}; or a merged model
 * whose {@code values} output already applies the head.
 *
 * <p>ONNX Runtime is the user's choice (rstar-train declares it optional): add {@code
 * com.microsoft.onnxruntime:onnxruntime} or {@code onnxruntime_gpu}. Without it the loaders and
 * {@link io.rstar4j.train.ppm.PpmTrainer} fail with a message naming them.
 */
package io.rstar4j.train.ppm;
