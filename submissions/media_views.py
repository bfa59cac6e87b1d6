"""/media/<name>: uploaded files, served only to whoever may see them.

- an article's image and its responsive sizes: to anyone once the article is public, with a long public
  Cache-Control; before that to its author and the editors who may see the article (submissions.media
  .may_view_media), never cached — signed in to the site (session), or holding a URL signed for them
  (`?access=`, made by submissions.media.media_url for the API's token clients: an <img> sends no header);
- avatars: public;
- anything else, and anyone else: 404, the same answer whether or not the file exists.

On local storage the view sends the file (or, with MEDIA_ACCEL_REDIRECT, lets the front server send it); on
S3-compatible storage it redirects to the object's URL (presigned for private images). A front server must not
serve MEDIA_ROOT itself under /media/: it would hand out unpublished images to anyone (docs/media.md).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from newsroom.accounts.models import User
from submissions import media as services
from submissions.models import Article, Media

_AVATAR_NAME = re.compile(r"avatars/[1-9][0-9]{0,17}/[A-Za-z0-9_-]{1,100}\.[A-Za-z0-9]{1,8}")


def _send(storage: FileSystemStorage, name: str) -> HttpResponseBase:
    if settings.MEDIA_ACCEL_REDIRECT:
        if not storage.exists(name):
            raise Http404()
        response = HttpResponse()
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
        del response["Content-Type"]  # the front server sets it from the file
        return response
    try:
        handle = storage.open(name, "rb")  # storage.path() refuses names outside MEDIA_ROOT
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise Http404() from exc
    return FileResponse(handle)


def _serve(name: str, *, public: bool, url: str) -> HttpResponseBase:
    storage = Media._meta.get_field("file").storage
    response = _send(storage, name) if isinstance(storage, FileSystemStorage) else HttpResponseRedirect(url)
    if public:
        patch_cache_control(response, public=True, max_age=settings.MEDIA_PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _may_view(request: HttpRequest, name: str, article: Article) -> User | None:
    """Who, of the session's user and the user a valid `?access=` token for `name` was made for, may see the
    article's images (None: neither)."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and services.may_view_media(user, article):
        return user
    token = request.GET.get("access", "")
    user_id = services.media_url_access(name, token) if token else None
    holder = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if holder is not None and services.may_view_media(holder, article):
        return holder
    return None


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    if _AVATAR_NAME.fullmatch(path):
        owner = User.objects.filter(avatar=path, deleted_at__isnull=True).first()
        if owner is None:
            raise Http404()
        return _serve(path, public=True, url=owner.avatar.url)
    media = services.media_file_get(path)
    if media is None:
        raise Http404()
    if services.media_is_public(media.article):
        return _serve(path, public=True, url=services.media_url(media, path, actor=None))
    viewer = _may_view(request, path, media.article)
    if viewer is None:
        raise Http404()
    return _serve(path, public=False, url=services.media_url(media, path, actor=viewer))
