"""An independent PyTorch Qwen2 decoder (RMSNorm, rotary positions, grouped-query attention,
SwiGLU) for checking rstar4j's ONNX training graphs. It reads the weights the Java test dumped
(raw little-endian float32 files listed in manifest.json), runs the forward pass, the weighted
next-token cross-entropy and autograd, then AdamW steps with gradient clipping, and writes the
loss, every gradient and the updated parameters and moments as raw float64 files.

Usage: qwen2_reference.py DIR   (reads DIR/manifest.json, writes DIR/out/ and DIR/result.json)
"""
import json
import math
import os
import sys
import time

import torch


def f32(x):
    """x rounded to float32: the ONNX graph stores its constants (epsilon, 1/sqrt(d)) as float32
    scalars, so that is the model; rounding them here lets the double-precision comparison be
    exact instead of differing at 1e-9."""
    return float(torch.tensor(x, dtype=torch.float32).item())


def load(dir_, m):
    params = {}
    for p in m["params"]:
        with open(os.path.join(dir_, p["file"]), "rb") as f:
            data = f.read()
        t = torch.frombuffer(bytearray(data), dtype=torch.float32).reshape(p["shape"])
        params[p["name"]] = t.clone()
    return params


def rms_norm(x, w, eps):
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + f32(eps)) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def forward(P, c, ids, mask, pos, dtype):
    """Logits [b, s, vocab]. Linear weights are stored [in, out] (x @ W), as the ONNX graph has
    them; the rotary frequencies are the model's buffer (Hugging Face keeps inv_freq the same way).
    """
    b, s = ids.shape
    hd = c["hidden"] // c["heads"]
    group = c["heads"] // c["kv_heads"]
    x = P["model.embed_tokens.weight"][ids]  # [b, s, h]
    inv = P["rotary.inv_freq"]
    freqs = pos.to(dtype)[:, :, None] * inv[None, None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    cos = emb.cos()[:, None, :, :]
    sin = emb.sin()[:, None, :, :]
    causal = torch.ones(s, s, dtype=torch.bool).tril()
    allowed = causal[None, None, :, :] & mask.bool()[:, None, None, :]
    bias = torch.zeros(b, 1, s, s, dtype=dtype).masked_fill(~allowed, -1e9)
    for l in range(c["layers"]):
        p = "model.layers.%d." % l
        h = rms_norm(x, P[p + "input_layernorm.weight"], c["rms_eps"])
        q = h @ P[p + "self_attn.q_proj.weight"] + P[p + "self_attn.q_proj.bias"]
        k = h @ P[p + "self_attn.k_proj.weight"] + P[p + "self_attn.k_proj.bias"]
        v = h @ P[p + "self_attn.v_proj.weight"] + P[p + "self_attn.v_proj.bias"]
        q = q.view(b, s, c["heads"], hd).transpose(1, 2)
        k = k.view(b, s, c["kv_heads"], hd).transpose(1, 2)
        v = v.view(b, s, c["kv_heads"], hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        att = (q * f32(1 / math.sqrt(hd))) @ k.transpose(-1, -2) + bias
        att = att.softmax(dim=-1)
        o = (att @ v).transpose(1, 2).reshape(b, s, c["heads"] * hd)
        x = x + o @ P[p + "self_attn.o_proj.weight"]
        h = rms_norm(x, P[p + "post_attention_layernorm.weight"], c["rms_eps"])
        gate = h @ P[p + "mlp.gate_proj.weight"]
        up = h @ P[p + "mlp.up_proj.weight"]
        x = x + (torch.nn.functional.silu(gate) * up) @ P[p + "mlp.down_proj.weight"]
    x = rms_norm(x, P["model.norm.weight"], c["rms_eps"])
    return x @ P["lm_head.weight"]


def loss_fn(logits, labels, weights):
    logp = logits.log_softmax(dim=-1)
    picked = logp.gather(-1, labels.clamp(min=0)[..., None])[..., 0]
    return -(picked * weights).sum()


def write(path, t):
    with open(path, "wb") as f:
        f.write(t.detach().to(torch.float64).contiguous().numpy().tobytes())


def main():
    dir_ = sys.argv[1]
    with open(os.path.join(dir_, "manifest.json")) as f:
        m = json.load(f)
    c = m["config"]
    raw = load(dir_, m)
    batch = m["batch"]
    ids = torch.tensor(batch["input_ids"], dtype=torch.long)
    mask = torch.tensor(batch["attention_mask"], dtype=torch.long)
    pos = torch.tensor(batch["position_ids"], dtype=torch.long)
    labels = torch.tensor(batch["labels"], dtype=torch.long)
    trainable = [p["name"] for p in m["params"] if p["trainable"]]
    out = os.path.join(dir_, "out")
    os.makedirs(out, exist_ok=True)
    result = {"torch": torch.__version__}
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        P = {k: v.to(dtype).requires_grad_(k in trainable) for k, v in raw.items()}
        w = torch.tensor(batch["label_weights"], dtype=dtype)
        t0 = time.time()
        loss = loss_fn(forward(P, c, ids, mask, pos, dtype), labels, w)
        loss.backward()
        result["loss_" + tag] = loss.item()
        result["seconds_" + tag] = time.time() - t0
        for name in trainable:
            write(os.path.join(out, name + ".grad." + tag), P[name].grad)
        if tag != "f64":
            continue
        # AdamW with clipping, as the training-step graph does it.
        a = m["adam"]
        for p in P.values():
            p.grad = None
        params = [P[n] for n in trainable]
        opt = torch.optim.AdamW(
            params,
            lr=a["lr"],
            betas=(a["beta1"], a["beta2"]),
            eps=a["eps"],
            weight_decay=a["weight_decay"],
        )
        norms = []
        for _ in range(a["steps"]):
            opt.zero_grad()
            loss = loss_fn(forward(P, c, ids, mask, pos, dtype), labels, w)
            loss.backward()
            norms.append(torch.nn.utils.clip_grad_norm_(params, a["max_norm"]).item())
            opt.step()
        result["grad_norms"] = norms
        for name in trainable:
            st = opt.state[P[name]]
            write(os.path.join(out, name + ".after"), P[name])
            write(os.path.join(out, name + ".m"), st["exp_avg"])
            write(os.path.join(out, name + ".v"), st["exp_avg_sq"])
    with open(os.path.join(dir_, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
