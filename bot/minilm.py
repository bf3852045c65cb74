"""all-MiniLM-L6-v2 sentence embeddings with numpy only (no torch, no tokenizers, no safetensors).

    enc = Encoder.load("bot/data/minilm-l6.npz", "bot/data/minilm-vocab.txt")
    v = enc.encode_one("text")                    # (384,) float32, unit length
    m = enc.encode(["text", ...])                 # (n, 384) float32, unit rows

The weights file comes from benchmarks/convert_minilm.py (int8 rows with a float32 scale each; a
float16 file loads too).  It is expanded to float32 once at load -- numpy has no fast int8/float16
matmul -- except the 30,522-row token embedding table, which stays compact: a query only ever
touches a few dozen of its rows.  What it costs and how close it stays to the published model:
benchmarks/README.md (session 9); tests/test_semantic.py checks vectors and token ids.
"""
from __future__ import annotations

import os
import re
import unicodedata

import numpy as np

MAX_TOKENS = 128                      # tokenizer.json truncation, [CLS] and [SEP] included
CLS, SEP, UNK = 101, 102, 100
# Added tokens are matched in the raw text before normalisation, as HF tokenizers does.
_SPECIAL = re.compile(r"\[(?:PAD|UNK|CLS|SEP|MASK)\]")
# Rust's char::is_whitespace (Unicode White_Space); str.isspace differs on U+001C-U+001F.
_WS = frozenset("\t\n\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000"
                + "".join(map(chr, range(0x2000, 0x200B))))
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


# HF tokenizers classifies characters with older Unicode tables than Python 3.11's (14.0): these
# code points, assigned since, are plain letters to it (found by scan_codepoints.py), and three
# changed category.  Rescan if Python's unicodedata.unidata_version changes.
_PLAIN = frozenset(c for r in """61d 7fd 890-891 898-89f 8ca-8e2 9fd-9fe a76 afa-aff b55 c04 c3c c77
 c84 d00 d3b-d3c d81 eba 180f 1885-1886 1abf-1ace 1b7d-1b7e 1df6-1dfb 2e43-2e4f 2e52-2e5d a82c a8c5
 a8ff a9bd 10d24-10d27 10eab-10ead 10f46-10f50 10f55-10f59 10f82-10f89 11070 11073-11074 110c2 110cd
 111cf 1123e 1133b 11438-1143f 11442-11444 11446 1144b-1144f 1145a-1145b 1145d-1145e 11660-1166c
 116b9 1182f-11837 11839-1183b 1193b-1193c 1193e 11943-11946 119d4-119d7 119da-119db 119e0 119e2
 11a01-11a0a 11a33-11a38 11a3b-11a47 11a51-11a56 11a59-11a5b 11a8a-11a96 11a98-11a9c 11a9e-11aa2
 11c30-11c36 11c38-11c3d 11c3f 11c41-11c45 11c70-11c71 11c92-11ca7 11caa-11cb0 11cb2-11cb3
 11cb5-11cb6 11d31-11d36 11d3a 11d3c-11d3d 11d3f-11d45 11d47 11d90-11d91 11d95 11d97 11ef3-11ef4
 11ef7-11ef8 11fff 12ff1-12ff2 13430-13438 16e97-16e9a 16f4f 16fe2 16fe4 1cf00-1cf2d 1cf30-1cf46
 1e000-1e006 1e008-1e018 1e01b-1e021 1e023-1e024 1e026-1e02a 1e130-1e136 1e2ae 1e2ec-1e2ef
 1e944-1e94a 1e95e-1e95f""".split() for a, _, b in [r.partition("-")]
                   for c in range(int(a, 16), int(b or a, 16) + 1))
_OLD_CAT = {0x166D: "Po", 0x111C9: "Po", 0x1734: "Mn"}
_ASCII_CLEAN = {**{i: None for i in range(32)}, 9: " ", 10: " ", 13: " ", 127: None}


def _category(c: str) -> str:
    o = ord(c)
    return "Lo" if o in _PLAIN else _OLD_CAT.get(o) or unicodedata.category(c)


def _normalize(text: str) -> str:
    """BertNormalizer(clean_text, handle_chinese_chars, lowercase => strip_accents), in its order."""
    if text.isascii():
        return text.translate(_ASCII_CLEAN).lower()
    out = []
    for c in text:
        if c in _WS:
            out.append(" ")
        elif c in "\x00\ufffd" or _category(c) in ("Cc", "Cf", "Co", "Cs"):
            continue                  # controls, format, private use dropped; unassigned kept
        elif c >= "\u3400" and any(a <= ord(c) <= b for a, b in _CJK):
            out.append(f" {c} ")
        else:
            out.append(c)
    s = "".join(c for c in unicodedata.normalize("NFD", "".join(out)) if _category(c) != "Mn")
    return "".join(c.lower() for c in s)   # per char, so no final-sigma rule, like Rust


def _is_punct(c: str) -> bool:
    o = ord(c)
    return (33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126
            or (o > 127 and _category(c)[0] == "P"))


def _words(s: str):
    """BertPreTokenizer: split on whitespace, every punctuation char is its own word."""
    w = []
    for c in s:
        if c in _WS or _is_punct(c):
            if w:
                yield "".join(w)
                w = []
            if c not in _WS:
                yield c
        else:
            w.append(c)
    if w:
        yield "".join(w)


class WordPiece:
    """BERT uncased tokenizer giving the same ids as tokenizer.json of the model."""

    def __init__(self, vocab_path: str):
        with open(vocab_path, encoding="utf-8") as f:
            self.vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}
        self.longest = max(map(len, self.vocab))

    def _piece(self, word: str, out: list):
        if len(word) > 100:
            out.append(UNK)
            return
        ids, start, n = [], 0, len(word)
        while start < n:
            for end in range(min(n, start + self.longest), start, -1):
                i = self.vocab.get(word[start:end] if start == 0 else "##" + word[start:end])
                if i is not None:
                    ids.append(i)
                    start = end
                    break
            else:
                out.append(UNK)      # one unmatched piece makes the whole word [UNK]
                return
        out.extend(ids)

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids, pos, limit = [], 0, max_tokens - 2
        for m in [*_SPECIAL.finditer(text), None]:
            for w in _words(_normalize(text[pos:m.start() if m else len(text)])):
                self._piece(w, ids)
                if len(ids) >= limit:
                    break
            if len(ids) >= limit:
                break
            if m:
                ids.append(self.vocab[m.group()])
                pos = m.end()
        return [CLS, *ids[:limit], SEP]


def _layer_norm(x, g, b):
    x = x - x.mean(-1, keepdims=True)
    x /= np.sqrt(np.einsum("ij,ij->i", x, x)[:, None] / x.shape[-1] + 1e-12)
    x *= g
    x += b
    return x


def _gelu(x):
    """Exact (erf) GELU; erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), rewritten as
    relu(x) - |x|/2 * poly(t) * exp(-x^2/2) so it needs one exp and no sign/where."""
    a = np.abs(x)
    t = a * np.float32(0.3275911 * 0.7071067811865476)
    t += 1
    np.reciprocal(t, out=t)
    p = t * np.float32(0.5 * 1.061405429)           # the 1/2 is folded into the coefficients
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += np.float32(0.5 * c)
        p *= t
    p *= a
    t = np.square(x, out=t)
    t *= np.float32(-0.5)
    p *= np.exp(t, out=t)
    np.maximum(x, 0, out=x)
    x -= p
    return x


def _one_blas_thread() -> None:
    """One message's matrices are small (a dozen rows): a second BLAS thread saves ~1-3 ms on an
    idle machine, but when another process holds a core, OpenBLAS's spinning threads made a
    message take 230 ms (p90 700 ms) instead of 34 ms (session 9, benchmarks/README.md). The bot
    must stay quick on a busy host, so the process's BLAS runs on one thread."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1, user_api="blas")


class Encoder:
    def __init__(self, weights: dict, tokenizer: WordPiece):
        self.tok = tokenizer
        self.version = str(weights.get("version", "unversioned"))  # names the weights (convert_minilm)
        self.word = weights["word"]                        # int8 or float16, stays compact
        self.word_scale = weights.get("word_scale")
        self.pos = weights["pos"].astype(np.float32)       # position + token-type-0 rows
        self.eln = weights["eln_g"], weights["eln_b"]
        self.layers = []
        for i in range(6):
            w = {k: v.astype(np.float32) for k, v in weights.items()
                 if k.startswith(f"l{i}.") and not k.endswith("_scale")}
            for k in ("qkv", "o", "i", "out"):            # (out, in) rows -> (in, out) float32
                s = weights.get(f"l{i}.{k}_scale")
                w[f"l{i}.{k}"] = np.ascontiguousarray((w[f"l{i}.{k}"] if s is None
                                                       else w[f"l{i}.{k}"] * s[:, None]).T)
            w[f"l{i}.qkv"][:, :384] *= np.float32(32 ** -0.5)   # fold the attention scale into Q
            w[f"l{i}.qkv_b"][:384] *= np.float32(32 ** -0.5)
            self.layers.append([w[f"l{i}.{k}"] for k in ("qkv", "qkv_b", "o", "o_b", "ln1_g",
                                "ln1_b", "i", "i_b", "out", "out_b", "ln2_g", "ln2_b")])

    @classmethod
    def load(cls, path: str, vocab: str | None = None) -> "Encoder":
        _one_blas_thread()
        with np.load(path) as z:
            weights = {k: z[k] for k in z.files}
        return cls(weights, WordPiece(vocab or os.path.join(os.path.dirname(path), "vocab.txt")))

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        x = self.word[ids].astype(np.float32)
        if self.word_scale is not None:
            x *= self.word_scale[ids][..., None]
        x += self.pos[:ids.shape[-1]]
        return x.reshape(-1, 384)

    def _forward(self, ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """ids (B, L); mask (B, L) of 0/1 or None when nothing is padded. Returns (B*L, 384)."""
        B, L = ids.shape
        x = _layer_norm(self._embed(ids), *self.eln)
        bias = None if mask is None else ((mask - 1) * np.float32(1e9))[:, None, None, :]
        for qkv_w, qkv_b, o_w, o_b, g1, b1, i_w, i_b, out_w, out_b, g2, b2 in self.layers:
            qkv = x @ qkv_w
            qkv += qkv_b
            h = qkv.reshape(B, L, 3, 12, 32)
            s = h[:, :, 0].transpose(0, 2, 1, 3) @ h[:, :, 1].transpose(0, 2, 3, 1)  # B,12,L,L
            if bias is not None:
                s += bias
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            c = (s @ h[:, :, 2].transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3).reshape(B * L, 384)
            a = c @ o_w
            a += o_b
            a += x
            x = _layer_norm(a, g1, b1)
            f = x @ i_w
            f += i_b
            f = _gelu(f) @ out_w
            f += out_b
            f += x
            x = _layer_norm(f, g2, b2)
        return x

    def encode_one(self, text: str) -> np.ndarray:
        v = self._forward(np.array([self.tok.encode(text)])).mean(0)
        return v / max(float(np.sqrt(v @ v)), 1e-12)

    def encode(self, texts: list[str], batch_tokens: int = 4096) -> np.ndarray:
        """Sorted by length and batched to ~batch_tokens tokens, so padding stays small."""
        encs = [self.tok.encode(t) for t in texts]
        lens = np.array([len(e) for e in encs], dtype=np.int64)
        order = np.argsort(lens, kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        i = 0
        while i < len(order):
            j = i + 1
            while j < len(order) and (j - i + 1) * lens[order[j]] <= batch_tokens:
                j += 1
            idx = order[i:j]
            L = int(lens[idx].max())
            ids = np.zeros((len(idx), L), dtype=np.int64)
            mask = np.zeros((len(idx), L), dtype=np.float32)
            for r, t in enumerate(idx):
                ids[r, :lens[t]] = encs[t]
                mask[r, :lens[t]] = 1
            x = self._forward(ids, mask if mask.min() == 0 else None).reshape(len(idx), L, 384)
            v = np.einsum("bld,bl->bd", x, mask) / lens[idx, None].astype(np.float32)
            out[idx] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            i = j
        return out
