package io.rstar4j.train.ppm;

import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/** An ONNX Runtime backbone: an encoder or a decoder exported with its hidden states. */
final class OnnxBackbone implements Backbone {
  private static final System.Logger LOG = System.getLogger(OnnxBackbone.class.getName());

  private final GraphSession session;
  private final Tokenizer tokenizer;
  private final BackboneSettings settings;
  private final int[] prefix;
  private final int[] suffix;
  private final int padId;
  private final String hiddenOutput;
  private final int hiddenSize;
  private final AtomicLong truncated = new AtomicLong();

  OnnxBackbone(Path model, Tokenizer tokenizer, BackboneSettings settings) {
    this.tokenizer = tokenizer;
    this.settings = settings;
    try {
      this.session =
          GraphSession.builder().provider(Devices.provider(settings.device())).open(model);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(model + ": cannot load the backbone: " + e.getMessage(), e);
    }
    try {
      Map<String, GraphSession.Port> inputs = session.inputs();
      Map<String, GraphSession.Port> outputs = session.outputs();
      if (!inputs.containsKey("input_ids")) {
        throw new IllegalArgumentException(
            model + ": a backbone needs an input named input_ids, has " + inputs.keySet());
      }
      for (String in : inputs.keySet()) {
        if (!known(in)) {
          throw new IllegalArgumentException(
              model
                  + ": backbone input '"
                  + in
                  + "' is not supported"
                  + " (known: input_ids, attention_mask, token_type_ids, position_ids,"
                  + " past_key_values.N.key|value)");
        }
      }
      boolean bertLike =
          inputs.containsKey("token_type_ids")
              && tokenizer.tokenId("[CLS]").isPresent()
              && tokenizer.tokenId("[SEP]").isPresent();
      this.prefix =
          ids(
              settings.prefixTokens() != null
                  ? settings.prefixTokens()
                  : bertLike ? List.of("[CLS]") : List.of());
      this.suffix =
          ids(
              settings.suffixTokens() != null
                  ? settings.suffixTokens()
                  : bertLike ? List.of("[SEP]") : List.of());
      this.padId = padId(settings.padToken());
      this.hiddenOutput = chooseOutput(model, outputs, settings.hiddenOutput());
      if (settings.contextLength() <= prefix.length + suffix.length) {
        throw new IllegalArgumentException(
            "context length "
                + settings.contextLength()
                + " leaves no room for text after the special tokens");
      }
      this.hiddenSize = probeHiddenSize(outputs.get(hiddenOutput));
      LOG.log(
          System.Logger.Level.DEBUG,
          "backbone "
              + model
              + ": output "
              + hiddenOutput
              + ", hidden size "
              + hiddenSize
              + ", context "
              + settings.contextLength());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private static boolean known(String in) {
    return in.equals("input_ids")
        || in.equals("attention_mask")
        || in.equals("token_type_ids")
        || in.equals("position_ids")
        || in.startsWith("past_key_values.");
  }

  private int[] ids(List<String> tokens) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      OptionalInt id = tokenizer.tokenId(tokens.get(i));
      if (id.isEmpty()) {
        throw new IllegalArgumentException(
            "special token " + tokens.get(i) + " is not in the vocabulary");
      }
      out[i] = id.getAsInt();
    }
    return out;
  }

  private int padId(String pad) {
    if (pad != null) {
      return ids(List.of(pad))[0];
    }
    for (String p : List.of("[PAD]", "<|endoftext|>", "<pad>")) {
      OptionalInt id = tokenizer.tokenId(p);
      if (id.isPresent()) {
        return id.getAsInt();
      }
    }
    return 0;
  }

  private static String chooseOutput(
      Path model, Map<String, GraphSession.Port> outputs, String wanted) {
    if (wanted != null) {
      if (!outputs.containsKey(wanted)) {
        throw new IllegalArgumentException(
            model + ": no output named " + wanted + "; outputs are " + outputs.keySet());
      }
      return wanted;
    }
    for (String n : List.of("last_hidden_state", "hidden_states", "values", "score")) {
      if (outputs.containsKey(n)) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        model
            + ": no hidden-state output (looked for"
            + " last_hidden_state, hidden_states, values, score; outputs are "
            + outputs.keySet()
            + "); export the model with its hidden states or name the output in the settings");
  }

  private int probeHiddenSize(GraphSession.Port info) {
    if (info.type() != null) {
      long[] shape = info.shape();
      if (shape.length < 2 || shape.length > 3) {
        throw new IllegalArgumentException(
            "output "
                + hiddenOutput
                + " has rank "
                + shape.length
                + "; expected [batch, seq, hidden] or [batch, hidden]");
      }
      if (shape[shape.length - 1] > 0) {
        return (int) shape[shape.length - 1];
      }
    }
    return forward(List.of(tokenize("a")))[0].length; // symbolic size: ask the model
  }

  @Override
  public int hiddenSize() {
    return hiddenSize;
  }

  @Override
  public int contextLength() {
    return settings.contextLength();
  }

  @Override
  public long truncatedTexts() {
    return truncated.get();
  }

  /** The token ids fed for a text: special tokens around it, cut from the left to the context. */
  int[] tokenize(String text) {
    int[] body = tokenizer.encode(text);
    int room = settings.contextLength() - prefix.length - suffix.length;
    int from = 0;
    if (body.length > room) {
      from = body.length - room;
      truncated.incrementAndGet();
    }
    int n = body.length - from;
    int[] ids = new int[prefix.length + n + suffix.length];
    System.arraycopy(prefix, 0, ids, 0, prefix.length);
    System.arraycopy(body, from, ids, prefix.length, n);
    System.arraycopy(suffix, 0, ids, prefix.length + n, suffix.length);
    return ids;
  }

  @Override
  public float[][] lastHiddenStates(List<String> texts) {
    int n = texts.size();
    int[][] ids = new int[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = tokenize(texts.get(i));
    }
    // Longest first, so each model call pads little.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));
    float[][] out = new float[n][];
    for (int start = 0; start < n; start += settings.batchSize()) {
      int end = Math.min(n, start + settings.batchSize());
      List<int[]> chunk = new ArrayList<>(end - start);
      for (int k = start; k < end; k++) {
        chunk.add(ids[order[k]]);
      }
      float[][] rows = forward(chunk);
      for (int k = start; k < end; k++) {
        out[order[k]] = rows[k - start];
      }
    }
    return out;
  }

  private float[][] forward(List<int[]> batch) {
    int b = batch.size();
    int len = 0;
    for (int[] ids : batch) {
      len = Math.max(len, ids.length);
    }
    long[] inputIds = new long[b * len];
    long[] mask = new long[b * len];
    long[] positions = new long[b * len];
    Arrays.fill(inputIds, padId);
    for (int i = 0; i < b; i++) {
      int[] ids = batch.get(i);
      for (int j = 0; j < ids.length; j++) {
        inputIds[i * len + j] = ids[j];
        mask[i * len + j] = 1;
        positions[i * len + j] = j;
      }
    }
    Map<String, Tensor> in = new HashMap<>();
    for (Map.Entry<String, GraphSession.Port> e : session.inputs().entrySet()) {
      String name = e.getKey();
      GraphSession.Port ti = e.getValue();
      long[] shape = {b, len};
      if (name.equals("input_ids")) {
        in.put(name, ints(ti, inputIds, shape));
      } else if (name.equals("attention_mask")) {
        in.put(name, ints(ti, mask, shape));
      } else if (name.equals("token_type_ids")) {
        in.put(name, ints(ti, new long[b * len], shape));
      } else if (name.equals("position_ids")) {
        in.put(name, ints(ti, positions, shape));
      } else {
        long[] s = ti.shape();
        if (s.length != 4) {
          throw new IllegalArgumentException("past input " + name + " must have rank 4");
        }
        s[0] = b;
        s[2] = 0;
        if (s[1] < 0 || s[3] < 0) {
          throw new IllegalStateException(
              "backbone failed: past input " + name + " has symbolic heads or head size");
        }
        in.put(name, Tensor.of(new float[0], s));
      }
    }
    Tensor t = session.run(in, java.util.Set.of(hiddenOutput)).get(hiddenOutput);
    long[] shape = t.shape();
    FloatBuffer fb = t.floatBuffer();
    int h = (int) shape[shape.length - 1];
    float[][] rows = new float[b][h];
    for (int i = 0; i < b; i++) {
      int offset;
      if (shape.length == 3) {
        int last = batch.get(i).length - 1; // right padding: the last real token
        offset = (int) ((i * shape[1] + last) * h);
      } else {
        offset = i * h;
      }
      fb.get(offset, rows[i]);
    }
    return rows;
  }

  private static Tensor ints(GraphSession.Port ti, long[] values, long[] shape) {
    if (ti.type() == Tensor.Type.INT32) {
      int[] v = new int[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (int) values[i];
      }
      return Tensor.of(v, shape);
    }
    return Tensor.of(values, shape);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (IllegalStateException e) {
      // nothing to do
    }
  }
}
