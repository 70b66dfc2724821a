package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A read-only view of a forward model's main graph: nodes in topological order, values by name. */
final class Graph {
  final OnnxMl.ModelProto model;
  final OnnxMl.GraphProto proto;

  /** The default-domain opset version. */
  final int opset;

  final List<OnnxMl.NodeProto> nodes;
  final Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
  final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();

  /** Graph inputs that are not initializers. */
  final Map<String, OnnxMl.ValueInfoProto> inputs = new LinkedHashMap<>();

  final Map<String, OnnxMl.ValueInfoProto> outputs = new LinkedHashMap<>();
  final Map<String, OnnxMl.ValueInfoProto> valueInfo = new HashMap<>();
  final Set<String> names = new HashSet<>();

  Graph(OnnxMl.ModelProto model) {
    this.model = model;
    this.proto = model.getGraph();
    int v = -1;
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        v = (int) o.getVersion();
      }
    }
    if (v < 0) {
      throw new IllegalArgumentException("the model imports no default-domain (ai.onnx) opset");
    }
    this.opset = v;
    for (OnnxMl.TensorProto t : proto.getInitializerList()) {
      initializers.put(t.getName(), t);
      names.add(t.getName());
    }
    for (OnnxMl.ValueInfoProto i : proto.getInputList()) {
      if (!initializers.containsKey(i.getName())) {
        inputs.put(i.getName(), i);
      }
      names.add(i.getName());
    }
    for (OnnxMl.ValueInfoProto o : proto.getOutputList()) {
      outputs.put(o.getName(), o);
    }
    for (OnnxMl.ValueInfoProto o : proto.getValueInfoList()) {
      valueInfo.put(o.getName(), o);
    }
    this.nodes = topological(proto.getNodeList());
    for (OnnxMl.NodeProto n : nodes) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          producer.put(o, n);
          names.add(o);
        }
      }
    }
  }

  private List<OnnxMl.NodeProto> topological(List<OnnxMl.NodeProto> list) {
    Map<String, Integer> made = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      for (String o : list.get(i).getOutputList()) {
        if (!o.isEmpty()) {
          if (made.put(o, i) != null) {
            throw new IllegalArgumentException(
                "value '" + o + "' is produced by more than one node; the graph is not valid ONNX");
          }
        }
      }
    }
    int[] pending = new int[list.size()];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < list.size(); i++) {
      Set<Integer> deps = new HashSet<>();
      for (String in : list.get(i).getInputList()) {
        Integer p = made.get(in);
        if (p != null && deps.add(p)) {
          users.get(p).add(i);
        }
      }
      pending[i] = deps.size();
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < list.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<OnnxMl.NodeProto> out = new ArrayList<>(list.size());
    // Keep the file's order where it is already topological: take the lowest ready index.
    java.util.PriorityQueue<Integer> pq = new java.util.PriorityQueue<>(ready);
    while (!pq.isEmpty()) {
      int i = pq.poll();
      out.add(list.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          pq.add(u);
        }
      }
    }
    if (out.size() != list.size()) {
      throw new IllegalArgumentException("the graph has a cycle");
    }
    return out;
  }

  /** A node's name for messages: {@code 'name' (OpType)}. */
  static String label(OnnxMl.NodeProto n) {
    String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
    String name =
        !n.getName().isEmpty()
            ? "'" + n.getName() + "'"
            : "(unnamed, producing '" + (n.getOutputCount() > 0 ? n.getOutput(0) : "") + "')";
    return op + " node " + name;
  }

  static OnnxMl.AttributeProto attr(OnnxMl.NodeProto n, String name) {
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  static long attrInt(OnnxMl.NodeProto n, String name, long dflt) {
    OnnxMl.AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getI();
  }

  static float attrFloat(OnnxMl.NodeProto n, String name, float dflt) {
    OnnxMl.AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getF();
  }

  static String attrString(OnnxMl.NodeProto n, String name, String dflt) {
    OnnxMl.AttributeProto a = attr(n, name);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  static long[] attrInts(OnnxMl.NodeProto n, String name) {
    OnnxMl.AttributeProto a = attr(n, name);
    if (a == null) {
      return null;
    }
    long[] r = new long[a.getIntsCount()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.getInts(i);
    }
    return r;
  }

  /** Input {@code i} of the node, or "" when absent. */
  static String in(OnnxMl.NodeProto n, int i) {
    return i < n.getInputCount() ? n.getInput(i) : "";
  }

  /** Output {@code i} of the node, or "" when absent. */
  static String out(OnnxMl.NodeProto n, int i) {
    return i < n.getOutputCount() ? n.getOutput(i) : "";
  }

  /** The constant tensor of a {@code Constant} node, or null when not representable. */
  static OnnxMl.TensorProto constantValue(OnnxMl.NodeProto n) {
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT();
        case "value_float":
          return Tensors.floating(
              null, OnnxMl.TensorProto.DataType.FLOAT_VALUE, new double[] {a.getF()});
        case "value_floats":
          {
            double[] d = new double[a.getFloatsCount()];
            for (int i = 0; i < d.length; i++) {
              d[i] = a.getFloats(i);
            }
            return Tensors.floating(null, OnnxMl.TensorProto.DataType.FLOAT_VALUE, d, d.length);
          }
        case "value_int":
          return Tensors.int64("", new long[] {a.getI()});
        case "value_ints":
          {
            long[] d = new long[a.getIntsCount()];
            for (int i = 0; i < d.length; i++) {
              d[i] = a.getInts(i);
            }
            return Tensors.int64("", d, d.length);
          }
        default:
          break;
      }
    }
    return null;
  }
}
