"""The matcher's meaning view: a small sentence model's vectors for messages and FAQ phrasings.

Why: six sessions of lexical ideas left the matcher blind to questions that share no words with
the FAQ ("will i blank out on the whole thing" vs "why can't I remember my session"). A sentence
model (all-MiniLM-L6-v2, run by numpy in bot.minilm: no torch, nothing downloaded) sees that
meaning; fused into the re-ranking it lifted every labelled clinic (benchmarks/README.md,
session 9). It is a second opinion, never the first: the word model still picks the candidates.

Cost: one forward pass per message (a few ms) and one per FAQ phrasing. Phrasing vectors are
kept in memory for the process (a reload or a second Matcher re-embeds only new wording) and on
disk (``FAQBOT_CACHE_DIR``, default ``$XDG_CACHE_HOME/faqbot``), so a start with an unchanged
FAQ reads them instead of spending seconds re-computing them; the bundled faq.yaml's come with
the package (``python -m bot.semantic --write-seed`` after editing it), for a first start. The
cache holds only staff-written FAQ text, keyed by its hash, never a patient's message.

Without numpy or the weights file the matcher runs on words alone (``shared()`` is None): its
confidence then lacks this view's evidence and answers less, never more.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).parent / "data" / "minilm-l6.npz"
VOCAB = Path(__file__).parent / "data" / "minilm-vocab.txt"
DIM = 384
CACHE_ROWS = 50_000  # phrasing vectors kept on disk (~75 MB at most); oldest dropped first


def cache_dir() -> Path:
    env = os.environ.get("FAQBOT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "faqbot"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _save(path: Path, keys: list[str], vecs) -> None:
    """The one file format of phrasing vectors (the cache and the shipped seed): hashed keys
    beside a (n, DIM) matrix; Meaning._read reads it."""
    import numpy as np
    np.savez(path, keys=np.array(keys), vecs=vecs)


class Unavailable(RuntimeError):
    """The weights could not be loaded: the matcher carries on with words alone."""


class _Loading:
    """The encoder, loaded in a thread: reading and expanding the weights (~0.2 s) overlaps the
    rest of start-up, and a start whose phrasing vectors are all cached need not wait for it
    before its first message."""

    def __init__(self, load):
        self._done = threading.Event()
        self._value = self._error = None
        threading.Thread(target=self._run, args=(load,), name="sentence-model", daemon=True).start()

    def _run(self, load) -> None:
        try:
            self._value = load()
        except Exception as e:  # noqa: BLE001 -- handed to whoever asks for the encoder
            self._error = e
        finally:
            self._done.set()

    def get(self):
        self._done.wait()
        if self._error is not None:
            raise Unavailable(str(WEIGHTS)) from self._error
        return self._value


class Meaning:
    """Vectors (unit length, so a dot product is the cosine) for messages and phrasings."""

    def __init__(self, encoder, version: str, cache: Path | None, seed: Path | None = None):
        """``encoder``: an Encoder, or a _Loading that will give one. ``seed``: a folder whose
        read-only vectors (the bundled faq.yaml's, see write_seed) spare a first start the
        seconds of computing them."""
        import numpy as np
        self._np = np
        self._encoder = encoder
        self.dim = DIM
        self._memo: dict[str, object] = {}  # phrasing text -> vector, for this process
        self._lock = threading.Lock()
        self._cache = cache / f"phrasings-{version}.npz" if cache else None
        self._disk: dict[str, object] | None = None
        self._seed_file = seed / f"phrasings-{version}.npz" if seed else None
        self._seed: dict[str, object] | None = None

    def _read(self, path: Path | None) -> dict:
        if path is not None and path.exists():
            try:
                with self._np.load(path) as z:
                    return dict(zip(z["keys"].tolist(), z["vecs"]))
            except Exception:  # a broken cache costs time, never an answer
                log.warning("phrasing vectors %s unreadable; computing them instead", path)
        return {}

    def _read_disk(self) -> dict:
        if self._disk is None:
            self._disk = self._read(self._cache)
            self._seed = self._read(self._seed_file)
        return self._disk

    def _write_disk(self) -> None:
        if self._cache is None:
            return
        np = self._np
        keys = list(self._disk)[-CACHE_ROWS:]
        tmp = self._cache.with_suffix(f".{os.getpid()}.tmp.npz")
        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            _save(tmp, keys, np.stack([self._disk[k] for k in keys]))
            os.replace(tmp, self._cache)
        except OSError as e:
            log.info("phrasing vector cache not written (%s): the next start re-embeds", type(e).__name__)
            try:
                tmp.unlink(missing_ok=True)
            except OSError:  # its directory may not exist at all
                pass

    def phrasings(self, texts: list[str]):
        """A (len(texts), dim) matrix: memo, then the disk cache, then the model for the rest."""
        np = self._np
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
            if missing:
                disk = self._read_disk()
                new = []
                for t in missing:
                    v = disk.get(_key(t))
                    if v is None:
                        v = self._seed.get(_key(t))
                    if v is None:
                        new.append(t)
                    else:
                        self._memo[t] = v
                if new:
                    for t, v in zip(new, self.encoder.encode(new)):
                        self._memo[t] = v
                        disk[_key(t)] = v
                    self._write_disk()
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            return np.stack([self._memo[t] for t in texts])

    @property
    def encoder(self):
        if isinstance(self._encoder, _Loading):
            self._encoder = self._encoder.get()
        return self._encoder

    def message(self, text: str):
        v = self._memo.get(text)
        return v if v is not None else self.encoder.encode_one(text)


_shared: Meaning | None = None
_loaded = False
_load_lock = threading.Lock()


def shared() -> Meaning | None:
    """The process's one Meaning, or None when it cannot run (no numpy, no weights file). The
    weights are read once, in a thread started by the first call (see _Loading); a load that
    fails later raises Unavailable from ``encoder``."""
    global _shared, _loaded
    with _load_lock:
        if not _loaded:
            _loaded = True
            try:
                import numpy as np

                from .minilm import Encoder
                with np.load(WEIGHTS) as z:  # names the weights, for the cache (convert_minilm)
                    version = str(z["version"])
                loading = _Loading(lambda: Encoder.load(str(WEIGHTS), str(VOCAB)))
                _shared = Meaning(loading, version, cache_dir(), seed=WEIGHTS.parent)
            except Exception:
                log.warning("sentence model unavailable (%s); matching on words alone", WEIGHTS,
                            exc_info=True)
                _shared = None
        return _shared


def write_seed(faq_path: str) -> Path:
    """Vectors of one FAQ's phrasings and answers, shipped beside the weights (python -m bot.semantic
    --write-seed): the bundled faq.yaml starts in under a second on a machine with no cache."""
    from .faq import load_faq
    from .minilm import Encoder
    faq = load_faq(faq_path, check_similar=False)[0]
    texts = list(dict.fromkeys(t for e in faq.entries for t in (e.question, *e.alternates, e.answer)))
    enc = Encoder.load(str(WEIGHTS), str(VOCAB))
    out = WEIGHTS.parent / f"phrasings-{enc.version}.npz"
    for old in WEIGHTS.parent.glob("phrasings-*.npz"):
        old.unlink()
    _save(out, [_key(t) for t in texts], enc.encode(texts))
    return out


if __name__ == "__main__":  # python -m bot.semantic --write-seed [FAQ]
    import sys
    if sys.argv[1:2] != ["--write-seed"] or len(sys.argv) > 3:
        sys.exit("usage: python -m bot.semantic --write-seed [faq.yaml]")
    print("wrote", write_seed(sys.argv[2] if len(sys.argv) > 2 else "faq.yaml"))
