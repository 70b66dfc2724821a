"""Independent re-implementation of golden-trees/README.md's search semantics (for differential tests)."""
import json, math, sys

TAGS = ["<end_of_step>", "<end_of_code>", "<end_of_answer>"]

def split(text):
    for t in TAGS:
        if text.endswith(t):
            return text[: -len(t)], t
    return text, None

def boxed(text):
    i = text.rfind("\\boxed")
    if i < 0: return None
    j = i + len("\\boxed")
    if j >= len(text) or text[j] != "{": return None
    d = 0
    for k in range(j, len(text)):
        if text[k] == "{": d += 1
        elif text[k] == "}":
            d -= 1
            if d == 0: return text[j + 1:k]
    return None

class N:
    def __init__(s, parent, sn, depth, e):
        s.parent, s.sn, s.depth, s.e = parent, sn, depth, e
        s.children, s.n, s.w, s.t = [], 0, 0.0, False
    def q(s): return s.w / s.n if s.n else 0.0
    def update(s, x): s.n += 1; s.w += x
    def backprop(s, x):
        n = s
        while n is not None: n.update(x); n = n.parent

def run(script):
    cfg = script["config"]; mode = cfg["mode"]; c = cfg.get("c", 2.0)
    maxd = cfg.get("maxDepth", 16); thr = cfg.get("errorsThreshold", 1)
    gold = "".join(script.get("gold", "").split())
    root = N(None, script["root"], 0, 0)
    def score(ch, p):
        u = 0.0
        if p.n > 0 and ch.n > 0: u = c * math.sqrt(math.log(p.n) / ch.n)
        return ch.q() + u
    def best(p):
        b, bs = None, None
        for ch in p.children:
            if ch.t: continue
            s = score(ch, p)
            if b is None or s > bs: b, bs = ch, s
        return b
    def step(n):
        if n.children or n.t:
            b = best(n)
            if b is None: n.t = True; return None
            return b
        return n
    def expand(p):
        kids = p.sn.get("children")
        if kids is None: return
        cands, seen = [], set()
        for k in kids:
            body, stop = split(k["text"])
            if body in seen: continue
            seen.add(body); cands.append((k, stop))
        ans = [x for x in cands if x[1] == "<end_of_answer>"]
        if ans: cands = [ans[0]]
        for k, stop in cands:
            ch = N(p, k, p.depth + 1, 0); p.children.append(ch)
            if "boxed" in k["text"]:
                ch.t = True
                if mode != "test-time":
                    b = boxed(k["text"])
                    ok = b is not None and "".join(b.split()) == gold
                    ch.backprop(1.0 if ok else -1.0)
                continue
            if k.get("error", False):
                ch.e = p.e + 1
                if ch.e >= thr: ch.t = True; ch.update(-1.0)
            else:
                ch.e = 0
            if not ch.t and ch.depth > maxd: ch.t = True; ch.update(-1.0)
        if mode in ("ppm-augmented", "test-time"):
            for ch in p.children:
                if ch.n == 0:
                    s = ch.sn.get("score", 0.0)
                    if "boxed" in ch.sn["text"]:
                        if mode == "test-time": ch.backprop(s)
                    else:
                        ch.update(s)
    for _ in range(cfg["rollouts"]):
        cur = step(root)
        for _ in range(maxd):
            if cur is None or cur.t or cur.depth > maxd: break
            if not cur.children: expand(cur)
            cur = step(cur)
    out = []
    def walk(n, path):
        out.append({"path": path, "visits": n.n, "valueSum": n.w, "terminal": n.t})
        for i, ch in enumerate(n.children): walk(ch, path + [i])
    walk(root, [])
    out.sort(key=lambda x: x["path"])
    return {"nodes": out}

if __name__ == "__main__":
    # ref.py SCRIPT...: one JSON line {"file", "nodes"} per script
    for f in sys.argv[1:]:
        with open(f) as fh:
            out = run(json.load(fh))
        out["file"] = f
        print(json.dumps(out))
