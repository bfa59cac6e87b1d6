"""A generated corpus for benchmarks: Russian and English news of realistic length and vocabulary (Zipf-distributed
words), categories, tags, authors with histories, a share of near-duplicates, and a moderation queue.

Words come from a fixed vocabulary (bench/corpus_words.py), so their stems are computed once: a million articles
load without stemming a single word twice. Everything is drawn from one seeded generator: the same N gives the
same corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bench.corpus_words import EN, REGIONS, RU, TAGS_EN, TAGS_RU

DEFAULT_SEED = 20261124


def _zipf_probabilities(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 1.07
    return weights / weights.sum()


@dataclass
class Generated:
    index: int
    title: str
    lead: str
    body: str
    language: str
    tags: list[str]
    region: str
    duplicate_of: int | None  # index of the article it near-duplicates


class CorpusGenerator:
    def __init__(
        self, seed: int = DEFAULT_SEED, duplicate_share: float = 0.05, english_share: float = 0.15
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.duplicate_share = duplicate_share
        self.english_share = english_share
        self.vocab = {"ru": np.array(RU), "en": np.array(EN)}
        self.p = {lang: _zipf_probabilities(len(words)) for lang, words in self.vocab.items()}
        self.recent: list[Generated] = []  # a window of originals to near-duplicate

    def _words(self, language: str, n: int) -> list[str]:
        return list(
            self.vocab[language][self.rng.choice(len(self.vocab[language]), size=n, p=self.p[language])]
        )

    def _sentence(self, language: str, n: int) -> str:
        words = self._words(language, n)
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def _paragraphs(self, language: str) -> str:
        """3–7 paragraphs of 2–4 sentences of 8–21 words, every word drawn in one call."""
        shape = [
            [int(n) for n in self.rng.integers(8, 22, size=int(self.rng.integers(2, 5)))]
            for _ in range(int(self.rng.integers(3, 8)))
        ]
        words = self._words(language, sum(sum(p) for p in shape))
        paragraphs, at = [], 0
        for lengths in shape:
            sentences = []
            for n in lengths:
                sentence = words[at : at + n]
                at += n
                sentences.append(" ".join([sentence[0].capitalize(), *sentence[1:]]) + ".")
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)

    def article(self, index: int) -> Generated:
        if self.recent and self.rng.random() < self.duplicate_share:
            pick = int(self.rng.integers(0, len(self.recent)))
            original = self.recent[pick]
            words = original.body.split(" ")
            for i in self.rng.choice(len(words), size=max(1, len(words) // 10), replace=False):
                words[i] = self._words(original.language, 1)[0]
            return Generated(
                index=index,
                title=original.title + " " + self._words(original.language, 1)[0],
                lead=original.lead,
                body=" ".join(words),
                language=original.language,
                tags=original.tags,
                region=original.region,
                duplicate_of=original.index,
            )
        language = "en" if self.rng.random() < self.english_share else "ru"
        tags = TAGS_EN if language == "en" else TAGS_RU
        generated = Generated(
            index=index,
            title=self._sentence(language, int(self.rng.integers(5, 11)))[:-1],
            lead=self._sentence(language, int(self.rng.integers(12, 26))),
            body=self._paragraphs(language),
            language=language,
            tags=[
                tags[int(i)]
                for i in self.rng.choice(len(tags), size=int(self.rng.integers(0, 3)), replace=False)
            ],
            region=REGIONS[int(self.rng.integers(0, len(REGIONS)))],
            duplicate_of=None,
        )
        self.recent.append(generated)
        if len(self.recent) > 2000:
            self.recent.pop(0)
        return generated

    def articles(self, count: int) -> Iterator[Generated]:
        for index in range(count):
            yield self.article(index)
