package io.rstar4j.train.ppm;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The graphs of PPM fine-tuning, built from a backbone export: the forward graph cut down to the
 * hidden states, LoRA adapters, the scoring graph (hidden state of one position per row, dropout
 * mask, {@code Linear(hidden, 1)}) and the saved PPM graph (backbone and head merged).
 */
final class PpmGraphs {
  static final String HIDDEN = "last_hidden_state";
  static final String GATHER_INDEX = "ppm::gather_index";
  static final String DROPOUT_MASK = "ppm::dropout_mask";
  static final String SCORES = "ppm::scores";
  static final String HEAD_WEIGHT = "ppm_head_weight";
  static final String HEAD_BIAS = "ppm_head_bias";
  static final String VALUES = "values";

  private static final Set<String> QUANTIZED_OPS =
      Set.of(
          "DynamicQuantizeLinear",
          "QuantizeLinear",
          "DequantizeLinear",
          "MatMulInteger",
          "ConvInteger",
          "QLinearMatMul",
          "QLinearConv",
          "MatMulNBits",
          "QAttention",
          "DynamicQuantizeMatMul",
          "QGemm",
          "GatherBlockQuantized");

  private PpmGraphs() {}

  /** A LoRA site: {@code W [in, out]} gets {@code A [in, r]} and {@code B [r, out]}. */
  record Adapter(String weight, String a, String b, int in, int out, int rank, float scale) {}

  /**
   * The backbone's forward graph with one output, {@link #HIDDEN} {@code [batch, seq, hidden]}, and
   * only the nodes it needs: the named hidden output, {@code last_hidden_state} or {@code
   * hidden_states}, or for a causal LM export the input of the {@code logits} projection.
   *
   * @throws BackboneNotTrainableException when quantized or a weight is not float32
   * @throws IllegalArgumentException when no hidden state can be found
   */
  static OnnxMl.ModelProto hiddenOnly(Path file, OnnxMl.ModelProto model, String wanted) {
    OnnxMl.GraphProto g = model.getGraph();
    Map<String, OnnxMl.TensorProto> inits = initializers(g);
    Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        producer.put(o, n);
      }
    }
    Set<String> outputs = new HashSet<>();
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      outputs.add(o.getName());
    }
    String hidden = null;
    int hiddenSize = -1;
    if (wanted != null) {
      if (!outputs.contains(wanted)) {
        throw new IllegalArgumentException(file + ": no output named " + wanted);
      }
      hidden = wanted;
    } else {
      for (String n : List.of("last_hidden_state", "hidden_states")) {
        if (hidden == null && outputs.contains(n)) {
          hidden = n;
        }
      }
    }
    if (hidden == null && outputs.contains("logits") && producer.containsKey("logits")) {
      OnnxMl.NodeProto lm = producer.get("logits");
      if ((lm.getOpType().equals("MatMul") || lm.getOpType().equals("Gemm"))
          && lm.getInputCount() >= 2
          && inits.containsKey(lm.getInput(1))
          && !inits.containsKey(lm.getInput(0))) {
        hidden = lm.getInput(0);
        OnnxMl.TensorProto w = inits.get(lm.getInput(1));
        boolean transB = false;
        for (OnnxMl.AttributeProto a : lm.getAttributeList()) {
          transB |= a.getName().equals("transB") && a.getI() == 1;
        }
        hiddenSize = (int) w.getDims(transB ? 1 : 0);
      }
    }
    if (hidden == null) {
      throw new IllegalArgumentException(
          file
              + ": no hidden-state output (last_hidden_state, hidden_states) and no logits"
              + " projection to take it from; export the model with its hidden states");
    }
    // the nodes the hidden state needs
    Set<String> need = new HashSet<>();
    Set<OnnxMl.NodeProto> keep = new HashSet<>();
    Deque<String> work = new ArrayDeque<>(List.of(hidden));
    while (!work.isEmpty()) {
      String v = work.pop();
      if (!need.add(v)) {
        continue;
      }
      OnnxMl.NodeProto n = producer.get(v);
      if (n != null && keep.add(n)) {
        for (String i : n.getInputList()) {
          if (!i.isEmpty()) {
            work.push(i);
          }
        }
      }
    }
    OnnxMl.GraphProto.Builder gb = g.toBuilder().clearNode().clearOutput().clearInitializer();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (keep.contains(n)) {
        if (QUANTIZED_OPS.contains(n.getOpType())) {
          throw new BackboneNotTrainableException(
              file
                  + " is quantized (node '"
                  + n.getName()
                  + "' is "
                  + n.getOpType()
                  + "): only its value head can be trained; use --train head"
                  + " (TrainMode.HEAD), or fine-tune the float export and quantize afterwards",
              true,
              null);
        }
        gb.addNode(n);
      }
    }
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      if (need.contains(t.getName())) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
          throw new BackboneNotTrainableException(
              file
                  + ": initializer '"
                  + t.getName()
                  + "' is stored as external data, which fine-tuning does not read yet;"
                  + " use --train head",
              false,
              null);
        }
        int dt = t.getDataType();
        if (t.getDimsCount() >= 2 && dt != DataType.FLOAT_VALUE) {
          boolean q = dt == DataType.INT8_VALUE || dt == DataType.UINT8_VALUE;
          throw new BackboneNotTrainableException(
              file
                  + ": parameter '"
                  + t.getName()
                  + "' is "
                  + DataType.forNumber(dt)
                  + (q
                      ? ": the backbone is quantized, only its value head can be trained"
                      : ": fine-tuning needs FLOAT (float32) weights")
                  + "; use --train head (TrainMode.HEAD)",
              q,
              null);
        }
        gb.addInitializer(t);
      }
    }
    List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      if (need.contains(i.getName())) {
        inputs.add(i);
      }
    }
    gb.clearInput().addAllInput(inputs);
    OnnxMl.ValueInfoProto hiddenInfo = null;
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      if (o.getName().equals(hidden)) {
        hiddenInfo = o;
      }
    }
    if (!hidden.equals(HIDDEN)) {
      gb.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("Identity")
              .setName("ppm_expose_hidden")
              .addInput(hidden)
              .addOutput(HIDDEN));
    }
    OnnxMl.TensorShapeProto.Dimension hd =
        hiddenSize > 0
            ? dimValue(hiddenSize)
            : hiddenInfo != null
                    && hiddenInfo.getType().getTensorType().getShape().getDimCount() == 3
                ? hiddenInfo.getType().getTensorType().getShape().getDim(2)
                : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("hidden").build();
    gb.addOutput(
        floatInfo(
            HIDDEN,
            OnnxMl.TensorShapeProto.newBuilder()
                .addDim(dimParam("batch_size"))
                .addDim(dimParam("sequence_length"))
                .addDim(hd)
                .build()));
    return model.toBuilder().setGraph(gb).build();
  }

  /** The hidden size of a {@link #hiddenOnly} graph, or -1 when symbolic. */
  static int hiddenSize(OnnxMl.ModelProto m) {
    for (OnnxMl.ValueInfoProto o : m.getGraph().getOutputList()) {
      if (o.getName().equals(HIDDEN)) {
        OnnxMl.TensorShapeProto.Dimension d = o.getType().getTensorType().getShape().getDim(2);
        return d.hasDimValue() ? (int) d.getDimValue() : -1;
      }
    }
    return -1;
  }

  /**
   * The parameters full fine-tuning trains: every float initializer of rank at least 1 with more
   * than one element, except rotary-embedding tables (buffers, not parameters, in PyTorch).
   */
  static List<String> backboneParameters(OnnxMl.ModelProto m) {
    List<String> out = new ArrayList<>();
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      long n = 1;
      for (long d : t.getDimsList()) {
        n *= d;
      }
      String name = t.getName();
      if (t.getDataType() == DataType.FLOAT_VALUE
          && t.getDimsCount() >= 1
          && n > 1
          && !name.contains("inv_freq")
          && !name.contains("rotary")
          && !name.contains("cos_cached")
          && !name.contains("sin_cached")) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Adds a LoRA adapter to every {@code MatMul} of an activation by a float weight matrix: {@code y
   * = x W + (alpha / r) x A B}, {@code A} uniform in {@code +-1/sqrt(in)} (PEFT's default), {@code
   * B} zero, so the model starts unchanged.
   *
   * @throws IllegalArgumentException when there is no such MatMul
   */
  static OnnxMl.ModelProto withAdapters(
      OnnxMl.ModelProto m, int rank, double alpha, long seed, List<Adapter> sites) {
    OnnxMl.GraphProto g = m.getGraph();
    Map<String, OnnxMl.TensorProto> inits = initializers(g);
    OnnxMl.GraphProto.Builder gb = g.toBuilder().clearNode();
    Random rnd = new Random(seed);
    float scale = (float) (alpha / rank);
    OnnxMl.TensorProto scaleInit =
        OnnxMl.TensorProto.newBuilder()
            .setName("ppm::lora_scale")
            .setDataType(DataType.FLOAT_VALUE)
            .addFloatData(scale)
            .build();
    gb.addInitializer(scaleInit);
    int k = 0;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      OnnxMl.TensorProto w =
          n.getOpType().equals("MatMul") && n.getInputCount() == 2
              ? inits.get(n.getInput(1))
              : null;
      if (w == null
          || w.getDataType() != DataType.FLOAT_VALUE
          || w.getDimsCount() != 2
          || inits.containsKey(n.getInput(0))) {
        gb.addNode(n);
        continue;
      }
      int in = (int) w.getDims(0);
      int out = (int) w.getDims(1);
      int r = Math.min(rank, Math.min(in, out));
      String a = w.getName() + ".lora_A";
      String b = w.getName() + ".lora_B";
      float[] av = new float[in * r];
      double bound = 1.0 / Math.sqrt(in);
      for (int i = 0; i < av.length; i++) {
        av[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      gb.addInitializer(floatTensor(a, av, in, r));
      gb.addInitializer(floatTensor(b, new float[r * out], r, out));
      sites.add(new Adapter(w.getName(), a, b, in, out, r, scale));
      String y = n.getOutput(0);
      String base = "ppm::lora" + k + "::base";
      String xa = "ppm::lora" + k + "::xa";
      String xab = "ppm::lora" + k + "::xab";
      String scaled = "ppm::lora" + k + "::scaled";
      gb.addNode(n.toBuilder().setOutput(0, base));
      gb.addNode(node("MatMul", "ppm_lora" + k + "_a", xa, n.getInput(0), a));
      gb.addNode(node("MatMul", "ppm_lora" + k + "_b", xab, xa, b));
      gb.addNode(node("Mul", "ppm_lora" + k + "_scale", scaled, xab, "ppm::lora_scale"));
      gb.addNode(node("Add", "ppm_lora" + k + "_add", y, base, scaled));
      k++;
    }
    if (sites.isEmpty()) {
      throw new BackboneNotTrainableException(
          "the backbone has no MatMul by a weight matrix to put LoRA adapters on;"
              + " use --train full or --train head",
          false,
          null);
    }
    return m.toBuilder().setGraph(gb).build();
  }

  /**
   * Appends the scoring part: the hidden state at {@link #GATHER_INDEX} (flat {@code row * seq +
   * position}) of each row, times {@link #DROPOUT_MASK} {@code [rows, hidden]}, then {@code
   * Linear(hidden, 1)} as {@link #SCORES} {@code [rows, 1]}.
   */
  static OnnxMl.ModelProto scoring(OnnxMl.ModelProto m, int hidden, ValueHead head) {
    OnnxMl.GraphProto.Builder gb = m.getGraph().toBuilder();
    gb.addInput(
        OnnxMl.ValueInfoProto.newBuilder()
            .setName(GATHER_INDEX)
            .setType(
                OnnxMl.TypeProto.newBuilder()
                    .setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(DataType.INT64_VALUE)
                            .setShape(
                                OnnxMl.TensorShapeProto.newBuilder().addDim(dimParam("rows"))))));
    gb.addInput(
        floatInfo(
            DROPOUT_MASK,
            OnnxMl.TensorShapeProto.newBuilder()
                .addDim(dimParam("rows"))
                .addDim(dimValue(hidden))
                .build()));
    gb.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName("ppm::flat_shape")
            .setDataType(DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(-1)
            .addInt64Data(hidden));
    addHead(gb, head);
    gb.addNode(node("Reshape", "ppm_flatten", "ppm::flat", HIDDEN, "ppm::flat_shape"));
    gb.addNode(
        node("Gather", "ppm_pick_last", "ppm::picked", "ppm::flat", GATHER_INDEX).toBuilder()
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(0)));
    gb.addNode(node("Mul", "ppm_dropout", "ppm::dropped", "ppm::picked", DROPOUT_MASK));
    gb.addNode(node("MatMul", "ppm_head_matmul", "ppm::raw", "ppm::dropped", HEAD_WEIGHT));
    gb.addNode(node("Add", "ppm_head_add", SCORES, "ppm::raw", HEAD_BIAS));
    gb.clearOutput();
    gb.addOutput(
        floatInfo(
            SCORES,
            OnnxMl.TensorShapeProto.newBuilder()
                .addDim(dimParam("rows"))
                .addDim(dimValue(1))
                .build()));
    return m.toBuilder().setGraph(gb).build();
  }

  /**
   * The saved PPM graph: the backbone with {@code values} (values by name replaced) and the head,
   * outputs {@link #HIDDEN} and {@link #VALUES} {@code [batch, seq, 1]} (the head applied at every
   * position).
   */
  static OnnxMl.ModelProto merged(
      OnnxMl.ModelProto backbone, Map<String, float[]> values, ValueHead head) {
    OnnxMl.GraphProto.Builder gb = backbone.getGraph().toBuilder();
    for (int i = 0; i < gb.getInitializerCount(); i++) {
      float[] v = values.get(gb.getInitializer(i).getName());
      if (v != null) {
        gb.setInitializer(i, withValues(gb.getInitializer(i), v));
      }
    }
    addHead(gb, head);
    gb.addNode(node("MatMul", "ppm_head_matmul", "ppm::raw_all", HIDDEN, HEAD_WEIGHT));
    gb.addNode(node("Add", "ppm_head_add", VALUES, "ppm::raw_all", HEAD_BIAS));
    gb.addOutput(
        floatInfo(
            VALUES,
            OnnxMl.TensorShapeProto.newBuilder()
                .addDim(dimParam("batch_size"))
                .addDim(dimParam("sequence_length"))
                .addDim(dimValue(1))
                .build()));
    return backbone.toBuilder().setGraph(gb).build();
  }

  /** {@code W + scale * A B} of each adapter, by weight name. */
  static Map<String, float[]> folded(
      OnnxMl.ModelProto base, List<Adapter> sites, Map<String, float[]> trained) {
    Map<String, OnnxMl.TensorProto> inits = initializers(base.getGraph());
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Adapter s : sites) {
      float[] w = floats(inits.get(s.weight()));
      float[] a = trained.get(s.a());
      float[] b = trained.get(s.b());
      for (int i = 0; i < s.in(); i++) {
        for (int k = 0; k < s.rank(); k++) {
          float aik = a[i * s.rank() + k] * s.scale();
          if (aik == 0) {
            continue;
          }
          int row = i * s.out();
          int brow = k * s.out();
          for (int j = 0; j < s.out(); j++) {
            w[row + j] += aik * b[brow + j];
          }
        }
      }
      out.put(s.weight(), w);
    }
    return out;
  }

  private static void addHead(OnnxMl.GraphProto.Builder gb, ValueHead head) {
    gb.addInitializer(floatTensor(HEAD_WEIGHT, head.weight(), head.hiddenSize(), 1));
    gb.addInitializer(floatTensor(HEAD_BIAS, new float[] {head.bias()}, 1));
  }

  static Map<String, OnnxMl.TensorProto> initializers(OnnxMl.GraphProto g) {
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    return inits;
  }

  /** A float initializer's values. */
  static float[] floats(OnnxMl.TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      FloatBuffer fb =
          t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
    float[] out = new float[t.getFloatDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getFloatData(i);
    }
    return out;
  }

  static OnnxMl.TensorProto withValues(OnnxMl.TensorProto t, float[] v) {
    ByteBuffer le = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    le.asFloatBuffer().put(v);
    return t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(le.array())).build();
  }

  static OnnxMl.TensorProto floatTensor(String name, float[] v, long... dims) {
    OnnxMl.TensorProto.Builder b =
        OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE);
    for (long d : dims) {
      b.addDims(d);
    }
    return withValues(b.build(), v);
  }

  private static OnnxMl.NodeProto node(String op, String name, String out, String... in) {
    OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name);
    for (String i : in) {
      b.addInput(i);
    }
    return b.addOutput(out).build();
  }

  private static OnnxMl.TensorShapeProto.Dimension dimParam(String p) {
    return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(p).build();
  }

  private static OnnxMl.TensorShapeProto.Dimension dimValue(long v) {
    return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
  }

  private static OnnxMl.ValueInfoProto floatInfo(String name, OnnxMl.TensorShapeProto shape) {
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }
}
