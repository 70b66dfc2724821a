"""PyTorch side of io.rstar4j.bench.train.TrainingStepBenchmark: the same Qwen2 decoder (weights
dumped by the Java side), the same batch, the same step (weighted next-token cross-entropy,
backward, clip_grad_norm_, AdamW), timed; prints one JSON line with tokens/s and peak RSS.

Usage: train_step_torch.py DIR   (reads DIR/manifest.json)
"""
import json
import math
import os
import sys
import time

import torch


def rss_peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def forward(P, c, ids, mask, pos):
    b, s = ids.shape
    hd = c["hidden"] // c["heads"]
    group = c["heads"] // c["kv_heads"]
    x = P["model.embed_tokens.weight"][ids]
    freqs = pos.float()[:, :, None] * P["rotary.inv_freq"][None, None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    cos = emb.cos()[:, None]
    sin = emb.sin()[:, None]
    allowed = torch.ones(s, s, dtype=torch.bool).tril()[None, None] & mask.bool()[:, None, None, :]
    bias = torch.zeros(b, 1, s, s).masked_fill(~allowed, -1e9)
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
        att = ((q @ k.transpose(-1, -2)) / math.sqrt(hd) + bias).softmax(dim=-1)
        o = (att @ v).transpose(1, 2).reshape(b, s, c["heads"] * hd)
        x = x + o @ P[p + "self_attn.o_proj.weight"]
        h = rms_norm(x, P[p + "post_attention_layernorm.weight"], c["rms_eps"])
        x = x + (torch.nn.functional.silu(h @ P[p + "mlp.gate_proj.weight"]) * (h @ P[p + "mlp.up_proj.weight"])) @ P[p + "mlp.down_proj.weight"]
    return rms_norm(x, P["model.norm.weight"], c["rms_eps"]) @ P["lm_head.weight"]


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "manifest.json")) as f:
        m = json.load(f)
    torch.set_num_threads(m["threads"])
    c = m["config"]
    P = {}
    for p in m["params"]:
        with open(os.path.join(d, p["file"]), "rb") as f:
            t = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(p["shape"]).clone()
        P[p["name"]] = t.requires_grad_(p["trainable"])
    b = m["batch"]
    ids = torch.tensor(b["input_ids"])
    mask = torch.tensor(b["attention_mask"])
    pos = torch.tensor(b["position_ids"])
    labels = torch.tensor(b["labels"]).clamp(min=0)
    weights = torch.tensor(b["label_weights"], dtype=torch.float32)
    params = [P[p["name"]] for p in m["params"] if p["trainable"]]
    a = m["adam"]
    opt = torch.optim.AdamW(params, lr=a["lr"], weight_decay=a["weight_decay"])

    def step():
        opt.zero_grad(set_to_none=True)
        logp = forward(P, c, ids, mask, pos).log_softmax(-1)
        loss = -(logp.gather(-1, labels[..., None])[..., 0] * weights).sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, a["max_norm"])
        opt.step()
        return loss.item()

    first = step()
    for _ in range(m["warmup"] - 1):
        step()
    t0 = time.perf_counter()
    last = first
    for _ in range(m["steps"]):
        last = step()
    sec = time.perf_counter() - t0
    tokens = ids.numel() * m["steps"]
    print(json.dumps({
        "tokens_per_s": tokens / sec,
        "step_ms": 1000 * sec / m["steps"],
        "peak_rss_mb": rss_peak_mb(),
        "first_loss": first,
        "last_loss": last,
        "threads": torch.get_num_threads(),
        "version": torch.__version__,
    }))


if __name__ == "__main__":
    main()
