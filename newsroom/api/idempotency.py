"""Idempotent retries for POST endpoints: the Idempotency-Key header (IETF httpapi draft, as Stripe does it).

A client that did not get an answer (timeout, dropped connection) sends the same request again with the same
key and gets the first request's answer instead of a second effect:

- no header: the view runs as usual;
- a key is 1..255 visible ASCII characters (0x21-0x7E), bare (`abc-123`) or as a structured-header string
  (`"abc-123"`, the same key); anything else is a 400 `invalid_idempotency_key`;
- keys are scoped to the signed-in user (anonymous requests run without the guarantee: with no principal,
  one client could replay another's answer). The first request with a key claims it by inserting a row in
  its own transaction, committed before the view runs; the unique (user, key) constraint lets exactly one of
  any number of concurrent requests win;
- a later request with the key gets: 422 `idempotency_key_reused` when it is not the same request (method,
  path and body differ — also the same key on another endpoint); 409 `idempotency_in_flight` with
  `Retry-After: 1` while the first one still runs; otherwise the stored status and JSON body again, with
  `Idempotent-Replayed: true` (and the first answer's ETag/Location);
- what is stored: every answer below 500 (a 4xx is the answer to that request, e.g. a validation error),
  except 429, which by definition says "try again later". A 5xx or an unexpected exception deletes the claim,
  so that the retry runs the view again;
- keys live NEWSROOM["IDEMPOTENCY_TTL"] (24 h): an older row counts as absent, and the hourly task
  newsroom.api.tasks.purge_idempotency_keys deletes them.

Known limit: a process killed between the claim and storing the answer leaves the key "in flight" until the
TTL, so its retries get 409 (never a second effect); the client may use a new key once it knows the effect did
not happen. The claim must commit on its own, so the decorated view must not run inside ATOMIC_REQUESTS.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from newsroom.api.errors import ApplicationError
from newsroom.api.models import IdempotencyKey

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAYED_RESPONSE_HEADERS = ("ETag", "Location")  # repeated on a replay; the rest is made afresh
IN_FLIGHT_RETRY_AFTER = 1  # seconds
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_CLAIM_ATTEMPTS = 3  # an expired or just released row is deleted and the insert tried again

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Optional; 1-255 visible ASCII characters, unique per request (e.g. a UUID). A retry with "
    "the same key and body gets the first answer again (header Idempotent-Replayed: true) instead of a "
    "second effect; 409 idempotency_in_flight while the first request runs; 422 idempotency_key_reused "
    "for the same key with another request. Keys are kept 24 hours.",
)


class InvalidIdempotencyKey(ApplicationError):
    code = "invalid_idempotency_key"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("Idempotency-Key must be 1 to 255 visible ASCII characters.")


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_message = _("This Idempotency-Key was already used for a different request. Use a new key.")


class IdempotencyInFlight(ApplicationError):
    code = "idempotency_in_flight"
    status = status.HTTP_409_CONFLICT
    default_message = _("A request with this Idempotency-Key is still being processed. Retry shortly.")


def idempotent(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates a DRF view method (`def post(self, request, ...)`) with the Idempotency-Key contract.

    Goes below @extend_schema; documents the header in the operation's OpenAPI parameters."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        raw = request.headers.get(HEADER)
        if raw is None:
            return method(view, request, *args, **kwargs)
        key = parse_key(raw)
        if not request.user or not request.user.is_authenticated:
            return method(view, request, *args, **kwargs)

        fingerprint = request_fingerprint(request.method or "", request.path, request.data)
        record, claimed = _claim(request.user.pk, key, request.method or "", request.path, fingerprint)
        if not claimed:
            return _answer_for_existing(view, record, fingerprint)

        try:
            response = method(view, request, *args, **kwargs)
        except Exception as exc:
            try:
                # the project's exception handler makes the 4xx answer (ApplicationError, DRF and Django
                # refusals); anything it does not handle is re-raised here, as DRF itself would
                response = view.handle_exception(exc)
            except Exception:
                _release(record)
                raise
        if response.status_code >= 500 or response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            _release(record)
        else:
            _store(record, response)
        return response

    wrapper.kwargs = dict(getattr(method, "kwargs", {}))  # type: ignore[attr-defined]  # not shared with method
    return extend_schema(parameters=[IDEMPOTENCY_KEY])(wrapper)


def parse_key(raw: str) -> str:
    """The key from the header value: bare, or one structured-header string ("..."); else 400."""
    quoted = len(raw) >= 2 and raw[0] == raw[-1] == '"'
    key = raw[1:-1] if quoted else raw
    if not _KEY.fullmatch(key) or (quoted and ('"' in key or "\\" in key)):  # no escapes in the string
        raise InvalidIdempotencyKey()
    return key


def request_fingerprint(method: str, path: str, data: Any) -> str:
    """sha256 of the method, the path and the body as canonical JSON (sorted keys): what "same request" means."""
    if isinstance(data, QueryDict):  # form and multipart bodies: every value of every field
        data = {name: data.getlist(name) for name in data}
    body = json.dumps(data, cls=_CanonicalEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method.upper()}\n{path}\n{body}".encode()).hexdigest()


class _CanonicalEncoder(JSONEncoder):
    def default(self, obj: Any) -> Any:
        if isinstance(obj, File):  # an upload counts by its content, not by the temporary file
            digest = hashlib.sha256()
            for chunk in obj.chunks():
                digest.update(chunk)
            obj.seek(0)
            return {"file": obj.name, "size": obj.size, "sha256": digest.hexdigest()}
        return super().default(obj)


def _ttl_cutoff() -> Any:
    return timezone.now() - settings.NEWSROOM["IDEMPOTENCY_TTL"]


def _claim(user_id: Any, key: str, method: str, path: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(the new row, True) when this request won the key; (the row holding it, False) otherwise."""
    for _attempt in range(_CLAIM_ATTEMPTS):
        try:
            with transaction.atomic():  # commits now (outside ATOMIC_REQUESTS): others see the claim at once
                row = IdempotencyKey.objects.create(
                    user_id=user_id, key=key, method=method, path=path[:300], fingerprint=fingerprint
                )
            return row, True
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if existing is None:
            continue  # its request failed and released it meanwhile: claim it
        if existing.created_at < _ttl_cutoff():
            # expired: as good as absent (the purge task has not come by yet)
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        return existing, False
    # the key changed hands under us on every attempt: someone else is busy with it
    return IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint), False


def _answer_for_existing(view: Any, record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.state != IdempotencyKey.State.DONE:
        response = view.handle_exception(IdempotencyInFlight(retry_after=IN_FLIGHT_RETRY_AFTER))
        response["Retry-After"] = str(IN_FLIGHT_RETRY_AFTER)
        return response
    headers = {**(record.response_headers or {}), REPLAYED_HEADER: "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)


def _store(record: IdempotencyKey, response: Any) -> None:
    data = getattr(response, "data", None)
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE,
        response_status=response.status_code,
        response_body=json.loads(json.dumps(data, cls=JSONEncoder)) if data is not None else None,
        response_headers={
            name: response[name] for name in REPLAYED_RESPONSE_HEADERS if response.has_header(name)
        },
        finished_at=timezone.now(),
    )


def _release(record: IdempotencyKey) -> None:
    """The request failed on our side: forget the key, so that the client's retry runs the view again."""
    try:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
    except DatabaseError:  # keep the original error; the row stays "in flight" until the TTL
        logger.exception("could not release idempotency key %s", record.pk)
