"""Recall of the persisted LSH index on a synthetic corpus: of the pairs whose exact Jaccard similarity is ≥ 0.8,
how many does one candidate query (moderation.duplicates.candidates) find?

10,000 articles of Russian-like and English-like pseudo-words drawn from fixed vocabularies with Zipf frequencies
(so common trigrams recur across articles as stop words do); 5 % are near-duplicates of another article with
5-20 % of the words rewritten in one to five places. Tokens stand for stems: the texts do not go through the
stemmer (the index, not the normalisation, is under test here). Bands are persisted with bulk_create and queried
through the database, as in production. Ground truth: exact Jaccard of every query against every article of the
corpus, on the shingle sets (through an inverted index, which skips only articles sharing no shingle, J = 0).
"""

import time

import numpy as np
import pytest
from django.db import connection

from moderation import duplicates
from moderation.models import DuplicateBand
from submissions.models import Article
from submissions.states import Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CORPUS = 10_000
NEAR_DUPLICATE_SHARE = 0.05
UNRELATED_QUERIES = 100
JACCARD = 0.8
SEED = 20240611

RU_CONSONANTS, RU_VOWELS = "бвгдзклмнпрстхчш", "аеиоуыя"
EN_CONSONANTS, EN_VOWELS = "bcdfghklmnprstvw", "aeiou"
RU_ENDINGS = ["", "ов", "ами", "ого", "ому", "ая", "ые", "ть", "ет", "ся"]
EN_ENDINGS = ["", "s", "ed", "ing", "er", "ly", "tion"]


def vocabulary(rng, consonants, vowels, endings, size):
    words = set()
    while len(words) < size:
        syllables = rng.integers(1, 4)
        stem = "".join(rng.choice(list(consonants)) + rng.choice(list(vowels)) for _ in range(syllables))
        words.add(stem + endings[rng.integers(len(endings))])
    return sorted(words)


def zipf(size):
    weights = 1.0 / np.arange(1, size + 1)
    return weights / weights.sum()


def corpus(rng):
    """CORPUS token lists; the last 5 % are near-duplicates of earlier ones. Returns (docs, source of each)."""
    languages = [
        (vocabulary(rng, RU_CONSONANTS, RU_VOWELS, RU_ENDINGS, 6000), zipf(6000)),
        (vocabulary(rng, EN_CONSONANTS, EN_VOWELS, EN_ENDINGS, 4000), zipf(4000)),
    ]
    originals = CORPUS - int(CORPUS * NEAR_DUPLICATE_SHARE)
    docs, language_of = [], []
    for _ in range(originals):
        language = int(rng.random() < 0.3)  # mostly Russian
        words, p = languages[language]
        docs.append([words[i] for i in rng.choice(len(words), size=int(rng.integers(80, 400)), p=p)])
        language_of.append(language)
    source = [-1] * originals
    for _ in range(CORPUS - originals):
        original = int(rng.integers(originals))
        words, p = languages[language_of[original]]
        docs.append(mutate(rng, docs[original], words, p))
        source.append(original)
    return docs, source


def mutate(rng, tokens, words, p):
    """Rewrites 5-20 % of the words in 1-5 places (each a substitution of a span, a little longer or shorter)."""
    tokens = list(tokens)
    changed = max(1, round(len(tokens) * rng.uniform(0.05, 0.20)))
    places = int(rng.integers(1, 6))
    for span in np.array_split(np.arange(changed), places):
        if not len(span):
            continue
        start = int(rng.integers(0, max(1, len(tokens) - len(span))))
        new_length = max(0, len(span) + int(rng.integers(-len(span) // 4, len(span) // 4 + 1)))
        replacement = [words[i] for i in rng.choice(len(words), size=new_length, p=p)]
        tokens[start : start + len(span)] = replacement
    return tokens


class ExactJaccard:
    """Exact Jaccard of one set against all: an inverted index from shingle to the articles holding it."""

    def __init__(self, shingle_sets):
        ids: dict[str, int] = {}
        self.sets = [
            np.array([ids.setdefault(s, len(ids)) for s in shingle_set]) for shingle_set in shingle_sets
        ]
        self.sizes = np.array([len(s) for s in self.sets])
        flat = np.concatenate(self.sets)
        owners = np.repeat(np.arange(len(self.sets)), self.sizes)
        order = np.argsort(flat, kind="stable")
        self.owners = owners[order]
        self.starts = np.searchsorted(flat[order], np.arange(len(ids) + 1))

    def against_all(self, query):
        postings = [self.owners[self.starts[s] : self.starts[s + 1]] for s in self.sets[query]]
        common = np.bincount(np.concatenate(postings), minlength=len(self.sets))
        return common / (self.sizes[query] + self.sizes - common)


def test_lsh_recall_at_jaccard_0_8():
    timings = {}
    started = t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    docs, source = corpus(rng)
    shingle_sets = [duplicates.shingles_from_stems(doc) for doc in docs]
    timings["corpus"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sigs = duplicates.signatures(shingle_sets)
    timings["minhash"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    author = UserFactory()
    articles = Article.objects.bulk_create(
        [Article(author=author, title=f"synthetic {i}", status=Status.PUBLISHED) for i in range(CORPUS)],
        batch_size=2000,
    )
    article_ids = [a.pk for a in articles]
    DuplicateBand.objects.bulk_create(
        [row for aid, sig in zip(article_ids, sigs, strict=True) for row in duplicates.band_rows(aid, sig)],
        batch_size=5000,
    )
    timings["persist"] = time.perf_counter() - t0
    assert DuplicateBand.objects.count() == CORPUS * duplicates.BANDS

    near_duplicates = [i for i, s in enumerate(source) if s >= 0]
    queries = near_duplicates + [
        int(i) for i in rng.choice(len(source) - len(near_duplicates), UNRELATED_QUERIES)
    ]

    t0 = time.perf_counter()
    index_of = {aid: i for i, aid in enumerate(article_ids)}
    found = {
        q: {
            index_of[aid]
            for aid, _ in duplicates.candidates(sigs[q], exclude_article_id=article_ids[q], limit=None)
        }
        for q in queries
    }
    timings["lsh queries"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    exact = ExactJaccard(shingle_sets)
    truth, below = {}, 0
    buckets = {
        (duplicates.THRESHOLD, 0.6): [0, 0],
        (0.6, JACCARD): [0, 0],
    }
    for q in queries:
        similarity = exact.against_all(q)
        similarity[q] = 0.0  # not itself
        truth[q] = {int(i) for i in np.flatnonzero(similarity >= JACCARD)}
        below += sum(1 for c in found[q] if similarity[c] < duplicates.THRESHOLD)
        for (low, high), counts in buckets.items():
            pairs_in = {int(i) for i in np.flatnonzero((similarity >= low) & (similarity < high))}
            counts[0] += len(pairs_in & found[q])
            counts[1] += len(pairs_in)
    timings["ground truth"] = time.perf_counter() - t0
    total = time.perf_counter() - started

    pairs = sum(len(t) for t in truth.values())
    hits = sum(len(truth[q] & found[q]) for q in queries)
    recall = hits / pairs
    per_query = sum(len(f) for f in found.values()) / len(queries)
    print(
        f"\n[{connection.vendor}] LSH recall at Jaccard ≥ {JACCARD}: {recall:.4f} ({hits}/{pairs} pairs) over "
        f"{len(queries)} queries, corpus {CORPUS} articles ({len(near_duplicates)} near-duplicates); "
        f"{per_query:.2f} candidates per query, {below} of them below the {duplicates.THRESHOLD:.2f} threshold"
    )
    print(
        "  below 0.8 (for information): "
        + ", ".join(
            f"J {low:.2f}-{high:.2f}: {hit / n if n else float('nan'):.3f} ({hit}/{n})"
            for (low, high), (hit, n) in buckets.items()
        )
    )
    print(
        "  time: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
        + f"; total {total:.1f} s ({timings['lsh queries'] / len(queries) * 1000:.2f} ms per query)"
    )
    assert pairs >= 100, "the corpus must hold enough near-duplicate pairs for the figure to mean something"
    assert recall >= 0.95
