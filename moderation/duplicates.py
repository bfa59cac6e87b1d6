"""Near-duplicate detection: MinHash signatures with LSH banding, persisted in the database.

Texts are compared as sets of *shingles*: word 3-grams of the stems of title + lead + body (moderation.text), so
case, punctuation, ё/е, look-alike letters and Russian case endings do not hide a copy ("новости" and
"новостями" are one stem).

Each set gets a MinHash signature of NUM_PERM = 128 values (datasketch, "affine32" scheme, fixed SEED: the same
text gives the same signature in every process and on every machine, which the persisted index relies on). The
signature is cut into BANDS = 32 bands of ROWS = 4 values; each band is hashed (blake2b, 64 bits) and stored as a
(band, hash) row of DuplicateBand. Two texts become *candidates* when they share at least one (band, hash).

For texts of Jaccard similarity s, P(candidate) = 1 - (1 - s^ROWS)^BANDS, an S-curve whose steepest point is near
the threshold (1/BANDS)^(1/ROWS) = (1/32)^(1/4) ≈ 0.42:

    s = 0.2 → 0.05    s = 0.3 → 0.23    s = 0.42 → 0.59    s = 0.5 → 0.87    s = 0.6 → 0.99    s ≥ 0.8 → 1 - 5e-8

So a copy with Jaccard ≥ 0.8 is practically never missed (tests/moderation/test_duplicate_recall.py measures it),
the warning level (0.6) is still found 99 % of the time, and unrelated texts (s < 0.2) rarely cost a
confirmation. Every candidate is then *confirmed* with exact figures computed from its current text: Jaccard
|A∩B| / |A∪B|, and containment |A∩B| / min(|A|, |B|), which stays high when one text is the other plus (or minus)
a paragraph. Containment is only seen for candidates, i.e. when the Jaccard similarity is not far below 0.42:
a short article buried in a text several times its length is out of reach of this index.

Changing NUM_PERM, SEED, the scheme, the shingling or the band hash changes every signature: run
`manage.py rebuild_duplicate_index` afterwards (test_signatures_are_stable pins them).

Each signature row also holds the `moderation.text.title_key` of the indexed title (DuplicateSignature.title_key,
indexed): the content rules look up title copies by equality on it instead of reading every title. Changing
title_key needs a rebuild too.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import batched
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import MinHash
from django.db import connection, transaction
from django.db.models import Count, Q
from tqdm import tqdm

from moderation.models import DuplicateBand, DuplicateSignature
from moderation.text import stem, title_key, words
from submissions.models import Article, Revision
from submissions.states import Status

NGRAM = 3
NUM_PERM = 128
SEED = 20240611  # never change without a rebuild: signatures from different seeds are not comparable
SCHEME = "affine32"  # datasketch's permutation scheme, pinned (the library default may change)
BANDS, ROWS = 32, 4
assert BANDS * ROWS == NUM_PERM
THRESHOLD = (1 / BANDS) ** (1 / ROWS)  # ≈ 0.42, see the module docstring

# What the index holds: every published article and every article on its way there (submitted, in review,
# approved and scheduled). Rows of an article that has left these states are never reported (find_similar reads
# the current status) and are dropped by unindex_article or the next rebuild.
INDEXED_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.SCHEDULED, Status.PUBLISHED)

MIN_REPORTED = 0.5  # find_similar's default: matches whose max(jaccard, containment) is below are dropped
MAX_CANDIDATES = 100  # confirmed at most: those sharing the most bands (boilerplate could match thousands)

Signature = npt.NDArray[np.uint32]

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


# --- text → shingles → signature → bands --------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    # moderation.text.stem is pure and costs ~15 µs a word; texts of one language share most of their words
    return stem(word)


def normalised(text: str) -> list[str]:
    """moderation.text.stems(text), with the stems of words already seen taken from a cache."""
    return [_stem(word) for word in words(text)]


def article_text(title: str, lead: str, body: str) -> str:
    return "\n".join(part for part in (title, lead, body) if part)


def shingles_from_stems(tokens: Sequence[str], n: int = NGRAM) -> set[str]:
    if len(tokens) < n:
        return set(tokens)
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def shingles(text: str) -> set[str]:
    """Word n-grams (n = 3) of the stems of `text`; a text of fewer than n words gives its words."""
    return shingles_from_stems(normalised(text))


def signature(shingle_set: Iterable[str]) -> Signature:
    """The MinHash values of a shingle set (all 2^32 - 1 for an empty set, which is never indexed)."""
    minhash = _TEMPLATE.copy()
    minhash.update_batch([s.encode("utf-8") for s in shingle_set])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def signatures(shingle_sets: Iterable[Iterable[str]]) -> list[Signature]:
    """signature() of many sets, sharing one set of permutations (datasketch's bulk path)."""
    return [
        np.asarray(m.hashvalues, dtype=np.uint32)
        for m in MinHash.generator(
            ([s.encode("utf-8") for s in shingle_set] for shingle_set in shingle_sets),
            num_perm=NUM_PERM,
            seed=SEED,
            scheme=SCHEME,
        )
    ]


def pack(sig: Signature) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def unpack(data: bytes | memoryview) -> Signature:
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


def band_hashes(sig: Signature) -> list[int]:
    """One signed 64-bit hash per band (BigIntegerField): blake2b of the band's ROWS little-endian uint32s."""
    rows = np.asarray(sig, dtype="<u4").reshape(BANDS, ROWS)
    return [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little", signed=True)
        for row in rows
    ]


def band_rows(article_id: int, sig: Signature) -> list[DuplicateBand]:
    return [DuplicateBand(article_id=article_id, band=b, hash=h) for b, h in enumerate(band_hashes(sig))]


# --- the persisted index ------------------------------------------------------------------------------------------


def stored_title_key(title: str) -> str:
    """moderation.text.title_key(title) as DuplicateSignature.title_key holds it (clipped to TITLE_KEY_MAX, which
    only keys of titles made of expanding compatibility characters exceed): compare stored keys with this."""
    return title_key(title)[: DuplicateSignature.TITLE_KEY_MAX]


def _indexed_text(article: Article, fallback: dict[int, Revision]) -> tuple[str, str, Revision | None]:
    """The title and text to index and the revision they are recorded against: the revision under review or
    published, else (an article that never went through submit) the working copy, against its latest revision."""
    revision = article.current_revision
    if revision is not None:
        return revision.title, article_text(revision.title, revision.lead, revision.body), revision
    return article.title, article_text(article.title, article.lead, article.body), fallback.get(article.pk)


def _latest_revisions(article_ids: Iterable[int]) -> dict[int, Revision]:
    latest: dict[int, Revision] = {}
    for revision in Revision.objects.filter(article_id__in=list(article_ids)).only(
        "pk", "article_id", "number"
    ):
        if revision.article_id not in latest or revision.number > latest[revision.article_id].number:
            latest[revision.article_id] = revision
    return latest


def _rows_for(
    articles: Sequence[Article],
) -> tuple[list[DuplicateSignature], list[DuplicateBand]]:
    without_revision = [a.pk for a in articles if a.current_revision_id is None]
    fallback = _latest_revisions(without_revision) if without_revision else {}
    sig_rows: list[DuplicateSignature] = []
    band_list: list[DuplicateBand] = []
    for article in articles:
        title, text, revision = _indexed_text(article, fallback)
        shingle_set = shingles(text)
        if revision is None or not shingle_set:
            continue  # nothing to compare (empty text), or no revision to record it against: not indexed
        sig = signature(shingle_set)
        sig_rows.append(
            DuplicateSignature(
                article_id=article.pk,
                revision_id=revision.pk,
                signature=pack(sig),
                shingles=len(shingle_set),
                title_key=stored_title_key(title),
            )
        )
        band_list.extend(band_rows(article.pk, sig))
    return sig_rows, band_list


def _locked_articles(article_ids: Sequence[int]) -> list[Article]:
    # the row lock serialises index writes for one article (signal-driven index_article vs a rebuild); `of` keeps
    # PostgreSQL from trying to lock the nullable side of the revision join
    return list(
        Article.objects.select_for_update(of=("self",))
        .select_related("current_revision")
        .filter(pk__in=list(article_ids))
        .order_by("pk")
    )


def _replace(article_ids: Sequence[int], articles: Sequence[Article]) -> int:
    sig_rows, band_list = _rows_for(articles)
    DuplicateBand.objects.filter(article_id__in=list(article_ids)).delete()
    DuplicateSignature.objects.filter(article_id__in=list(article_ids)).delete()
    DuplicateSignature.objects.bulk_create(sig_rows)
    DuplicateBand.objects.bulk_create(band_list, batch_size=5000)
    return len(sig_rows)


def index_article(article_id: int) -> bool:
    """(Re)indexes the article's current text (its current revision; the working copy if it has none), replacing
    its signature and bands in one transaction. Does not look at the status (see sync_article). False when there
    is nothing to index (no such article, an empty text, no revision at all): the article is then unindexed."""
    with transaction.atomic():
        articles = _locked_articles([article_id])
        return _replace([article_id], articles) > 0


def unindex_article(article_id: int) -> None:
    with transaction.atomic():
        DuplicateBand.objects.filter(article_id=article_id).delete()
        DuplicateSignature.objects.filter(article_id=article_id).delete()


def sync_article(article_id: int) -> bool:
    """Brings the index in line with the article's status: indexes it when it is in INDEXED_STATUSES, removes it
    otherwise. Idempotent, so one receiver can call it after every transition. True if it is now indexed."""
    status = Article.objects.filter(pk=article_id).values_list("status", flat=True).first()
    if status in INDEXED_STATUSES:
        return index_article(article_id)
    unindex_article(article_id)
    return False


@dataclass(frozen=True)
class RebuildResult:
    indexed: int  # articles with a signature now
    skipped: int  # in an indexed status, but nothing to index (empty text or no revision)
    removed: int  # stale signatures dropped (articles no longer in an indexed status)
    seconds: float


def rebuild(*, progress: bool = True, batch_size: int = 500) -> RebuildResult:
    """Re-indexes every article in INDEXED_STATUSES, batch by batch (one transaction and two bulk inserts each, so
    the index is never empty while it runs), then drops the rows of articles no longer in those states."""
    started = time.perf_counter()
    ids = list(
        Article.objects.filter(status__in=INDEXED_STATUSES).order_by("pk").values_list("pk", flat=True)
    )
    indexed = 0
    with tqdm(total=len(ids), desc="duplicate index", unit="article", disable=not progress) as bar:
        for chunk in batched(ids, batch_size):
            with transaction.atomic():
                articles = [a for a in _locked_articles(chunk) if a.status in INDEXED_STATUSES]
                indexed += _replace(chunk, articles)
            bar.update(len(chunk))
    with transaction.atomic():
        removed, _ = DuplicateSignature.objects.exclude(article__status__in=INDEXED_STATUSES).delete()
        DuplicateBand.objects.exclude(article__status__in=INDEXED_STATUSES).delete()
    return RebuildResult(indexed, len(ids) - indexed, removed, time.perf_counter() - started)


# --- queries ------------------------------------------------------------------------------------------------------


def candidates(
    sig: Signature, *, exclude_article_id: int | None = None, limit: int | None = MAX_CANDIDATES
) -> list[tuple[int, int]]:
    """(article id, bands shared) of the indexed articles sharing at least one band with `sig`, most shared first.
    One query: the BANDS (band, hash) pairs, each an index lookup on duplicate_band_lookup. On PostgreSQL the
    pairs are passed as two arrays and joined (a fixed statement: building the 32-way OR through the ORM cost
    more than running it)."""
    hashes = band_hashes(sig)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT b.article_id, count(*) AS shared
                      FROM {DuplicateBand._meta.db_table} b
                      JOIN unnest(%s::smallint[], %s::bigint[]) AS q(band, hash)
                        ON b.band = q.band AND b.hash = q.hash
                     WHERE b.article_id <> %s
                     GROUP BY b.article_id
                     ORDER BY shared DESC, b.article_id
                     LIMIT %s""",  # noqa: S608 - the table name is the model's own
                [list(range(BANDS)), hashes, exclude_article_id or 0, limit],
            )
            return [(article_id, shared) for article_id, shared in cursor.fetchall()]
    match = Q()
    for band, value in enumerate(hashes):
        match |= Q(band=band, hash=value)
    rows = DuplicateBand.objects.filter(match)
    if exclude_article_id is not None:
        rows = rows.exclude(article_id=exclude_article_id)
    grouped = rows.values("article_id").annotate(shared=Count("id")).order_by("-shared", "article_id")
    if limit is not None:
        grouped = grouped[:limit]
    return [(row["article_id"], row["shared"]) for row in grouped]


@dataclass(frozen=True)
class Match:
    article_id: int
    jaccard: float  # |A∩B| / |A∪B|
    containment: float  # |A∩B| / min(|A|, |B|): one text (nearly) inside the other
    status: str
    revision_id: int | None  # the revision compared (None: the working copy)

    @property
    def similarity(self) -> float:
        return max(self.jaccard, self.containment)

    def as_evidence(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "status": self.status,
        }


def compare(a: set[str], b: set[str]) -> tuple[float, float]:
    """(jaccard, containment) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def find_similar(
    text: str,
    *,
    exclude_article_id: int | None = None,
    limit: int = 10,
    min_similarity: float = MIN_REPORTED,
) -> list[Match]:
    """Indexed articles (published, or submitted / in review / scheduled now) similar to `text`, confirmed with
    exact figures on their current text, best first. Two queries: the candidates, then their texts."""
    query = shingles(text)
    if not query:
        return []
    found = candidates(signature(query), exclude_article_id=exclude_article_id)
    if not found:
        return []
    articles = (
        Article.objects.filter(pk__in=[article_id for article_id, _ in found], status__in=INDEXED_STATUSES)
        .select_related("current_revision")
        .only(
            "id",
            "status",
            "title",
            "lead",
            "body",
            "current_revision__id",
            "current_revision__title",
            "current_revision__lead",
            "current_revision__body",
        )
    )
    matches = []
    for article in articles:
        revision = article.current_revision
        source = revision if revision is not None else article
        jaccard, containment = compare(query, shingles(article_text(source.title, source.lead, source.body)))
        if max(jaccard, containment) >= min_similarity:
            matches.append(
                Match(article.pk, jaccard, containment, article.status, revision.pk if revision else None)
            )
    matches.sort(key=lambda m: (-m.similarity, -m.jaccard, m.article_id))
    return matches[:limit]
