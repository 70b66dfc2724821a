"""Random golden-tree scripts: duplicates across stop strings, answers (some unboxed), errors,
nodes without children, ties, shallow depth limits, all three modes."""
import json, random, sys
def gen(seed):
    r = random.Random(seed)
    gold = str(r.randint(1, 4))
    def node(depth):
        kind = r.random()
        if kind < 0.25 and depth > 0:
            v = str(r.randint(1, 4)) if r.random() < 0.9 else " %d " % r.randint(1, 4)
            t = "<answer>The answer is \\boxed{%s}.<end_of_answer>" % v
            if r.random() < 0.05: t = "<answer>no box here<end_of_answer>"
            n = {"text": t}
        else:
            body = "<code>\nx = %d\n" % r.randint(0, 5)
            stop = r.choice(["<end_of_step>", "<end_of_step>", "<end_of_code>"])
            n = {"text": body + stop}
            if stop == "<end_of_code>": n["output"] = str(r.randint(0, 9))
            if r.random() < 0.2: n["error"] = True
        if r.random() < 0.7: n["score"] = r.choice([0.0, 0.5, -0.5, round(r.uniform(-1, 1), 2)])
        if "boxed" not in n["text"] and depth < 6:
            p = r.random()
            if p < 0.1: pass  # no children key
            elif p < 0.15: n["children"] = []
            else: n["children"] = [node(depth + 1) for _ in range(r.randint(1, 4))]
        return n
    root = {"children": [node(0) for _ in range(r.randint(1, 4))]}
    cfg = {"mode": r.choice(["terminal-guided", "ppm-augmented", "test-time"]),
           "rollouts": r.randint(1, 24), "maxDepth": r.randint(1, 6),
           "c": r.choice([2.0, 2.0, 1.0, 0.5]), "errorsThreshold": r.randint(1, 2)}
    return {"question": "q%d" % seed, "gold": gold, "config": cfg, "root": root}
if __name__ == "__main__":
    # gen.py FIRST_SEED END_SEED OUT_DIR
    for s in range(int(sys.argv[1]), int(sys.argv[2])):
        with open("%s/%d.script.json" % (sys.argv[3], s), "w") as f:
            json.dump(gen(s), f)
