"""Notifications: authors hear of every editorial decision (in-app and by e-mail, in their language), editors get a
digest of overdue articles they could take; users list and mark their notifications; the language of letters is
set at registration and editable in the profile."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import override

from moderation import notify
from moderation.models import EditorProfile
from moderation.receivers import notify_author_of_decision
from moderation.tasks import notify_decision, send_overdue_digests
from newsroom.accounts.models import Notification, User
from submissions import workflow
from submissions.models import Article, ArticleEvent, ConflictDeclaration
from submissions.states import Action, Status
from tests.conftest import error_code
from tests.factories import PASSWORD, ArticleFactory, EditorFactory, UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db

TITLE = "Жители против вырубки сквера"


@pytest.fixture
def writer():
    """writer(language) -> a trusted contributor (the daily allowance is not what these tests are about)."""

    def make(language="ru", **kw):
        return UserFactory(language=language, trust_level=3, trust_reason="trusted", **kw)

    return make


@pytest.fixture
def in_review():
    """in_review(author, **kw) -> an article in review, titled TITLE unless told, with no mail left behind (unlike
    the folder's `in_review`, the author is always given)."""

    def make(author, **kw):
        kw.setdefault("title", TITLE)
        article = submitted(author, **kw)
        mail.outbox.clear()
        return article

    return make


@pytest.fixture
def published(in_review, editor, commit):
    def make(author, **kw):
        article = in_review(author, **kw)
        with commit():
            workflow.article_approve(actor=editor, article_id=article.pk)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        Notification.objects.all().delete()
        mail.outbox.clear()
        return article

    return make


def decision_event(article, action):
    return ArticleEvent.objects.filter(article=article, action=action).latest("id")


def only_notification(user):
    rows = list(Notification.objects.filter(user=user))
    assert len(rows) == 1, rows
    return rows[0]


def only_letter(user):
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    letter = mail.outbox[0]
    assert letter.to == [user.email]
    return letter


# --- every decision, in the author's language -------------------------------------------------------------------


def test_approve_now_tells_the_author_in_english(editor, writer, in_review, commit):
    author = writer("en", display_name="Ann")
    article = in_review(author, title="Park saved")
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk, note="Well sourced, thank you.")
    event = decision_event(article, Action.APPROVE)
    note = only_notification(author)
    assert note.key == f"decision:{event.pk}" and note.kind == "approve"
    assert note.data == {"article": article.pk, "action": "approve", "reason_code": ""}
    assert note.title == "Your article “Park saved” was published"
    assert note.body == (
        "The editors approved your article “Park saved”, and it is now published.\n\n"
        "The editor's note:\nWell sourced, thank you."
    )
    assert note.read_at is None
    letter = only_letter(author)
    assert letter.subject == note.title
    assert letter.body == "Hello, Ann!\n\n" + note.body


def test_approve_for_later_says_when_it_will_be_published(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author, title="Park saved")
    when = timezone.now() + dt.timedelta(days=2)
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk, publish_at=when)
    note = only_notification(author)
    assert note.kind == "approve"
    assert note.title == "Your article “Park saved” was approved"
    with override("en"):
        expected_when = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
    assert note.body == (
        f"The editors approved your article “Park saved”. It will be published on {expected_when}."
    )
    assert only_letter(author).subject == note.title


def test_reject_names_the_reason_the_legal_ground_and_the_message(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author, title="Park saved")
    with commit():
        workflow.article_reject(
            actor=editor,
            article_id=article.pk,
            reason_code="illegal",
            message="It names a minor.",
            legal_ground="Art. 41 of the Media Law",
        )
    note = only_notification(author)
    assert note.kind == "reject"
    assert note.data == {"article": article.pk, "action": "reject", "reason_code": "illegal"}
    assert note.title == "Your article “Park saved” was rejected"
    assert note.body == (
        "The editors rejected your article “Park saved”.\n\n"
        "Reason: Illegal content\n"
        "Legal ground: Art. 41 of the Media Law\n\n"
        "The editor's message:\nIt names a minor.\n\n"
        "If you disagree, you may appeal this decision once."
    )
    assert only_letter(author).body.endswith(note.body)


def test_reject_of_an_appeal_does_not_offer_another_appeal(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author, title="Park saved")
    with commit():
        workflow.article_reject(actor=editor, article_id=article.pk, reason_code="spam", message="Ads.")
    with commit():
        workflow.article_appeal(actor=author, article_id=article.pk, message="It is not an ad.")
    second = EditorFactory()
    with commit():
        workflow.article_reject(actor=second, article_id=article.pk, reason_code="spam", message="Still ads.")
    final = Notification.objects.get(key=f"decision:{decision_event(article, Action.REJECT).pk}")
    assert "Still ads." in final.body and "appeal" not in final.body


def test_request_changes_carries_the_editors_message(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author, title="Park saved")
    with commit():
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Name your sources.")
    note = only_notification(author)
    assert note.kind == "request_changes"
    assert note.title == "The editors asked for changes to “Park saved”"
    assert note.body == (
        "The editors reviewed your article “Park saved” and ask you to change it before it can be published.\n\n"
        "The editor's message:\nName your sources.\n\n"
        "Edit the article and submit it again."
    )
    assert only_letter(author).subject == note.title


def test_update_approved_and_update_rejected(editor, writer, published, commit):
    author = writer("en")
    article = published(author, title="Park saved")
    with commit():
        workflow.article_propose_update(actor=author, article_id=article.pk, title="Park saved for good")
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    note = only_notification(author)
    assert note.kind == "update_approve"
    assert note.title == "Your update to “Park saved for good” was published"
    assert note.body == (
        "The editors approved your changes to the published article “Park saved for good”. "
        "Readers now see the new text."
    )
    assert only_letter(author).subject == note.title

    Notification.objects.all().delete()
    mail.outbox.clear()
    with commit():
        workflow.article_propose_update(actor=author, article_id=article.pk, lead="A rumour.")
    with commit():
        workflow.article_reject(
            actor=editor, article_id=article.pk, reason_code="unverifiable", message="Source?"
        )
    note = only_notification(author)
    assert note.kind == "update_reject" and note.data["reason_code"] == "unverifiable"
    assert note.title == "Your update to “Park saved for good” was rejected"
    assert note.body == (
        "The editors rejected your changes to the published article “Park saved for good”. "
        "The published text stays as it was.\n\n"
        "Reason: Cannot be verified\n\n"
        "The editor's message:\nSource?"
    )
    assert only_letter(author).subject == note.title


@pytest.mark.parametrize(
    ("decide", "kind"),
    [
        (lambda ed, pk: workflow.article_approve(actor=ed, article_id=pk), "approve"),
        (
            lambda ed, pk: workflow.article_approve(
                actor=ed, article_id=pk, publish_at=timezone.now() + dt.timedelta(hours=3)
            ),
            "approve",
        ),
        (
            lambda ed, pk: workflow.article_reject(
                actor=ed, article_id=pk, reason_code="spam", message="Реклама."
            ),
            "reject",
        ),
        (
            lambda ed, pk: workflow.article_request_changes(actor=ed, article_id=pk, message="Уточните."),
            "request_changes",
        ),
    ],
)
def test_a_russian_speaking_author_is_notified_in_russian(editor, writer, in_review, commit, decide, kind):
    author = writer("ru")
    article = in_review(author)
    with commit():
        decide(editor, article.pk)
    note = only_notification(author)
    assert note.kind == kind
    assert TITLE in note.title and TITLE in note.body
    letter = only_letter(author)
    assert letter.subject == note.title and author.display_name in letter.body
    if kind == "reject":  # the reason's label is the Russian one of the taxonomy
        assert "Спам или реклама" in note.body and "Spam" not in note.body
        assert "Реклама." in note.body


def test_english_and_russian_authors_get_the_reason_in_their_own_language(editor, writer, in_review, commit):
    en, ru = writer("en"), writer("ru")
    for author in (en, ru):
        article = in_review(author)
        with commit():
            workflow.article_reject(actor=editor, article_id=article.pk, reason_code="duplicate")
    assert "Duplicate of published news" in only_notification(en).body
    assert "Повтор уже опубликованной новости" in only_notification(ru).body
    # the editor wrote no message: the reason's template in the author's language stands in
    assert "we have already published this news" in only_notification(en).body
    assert "эта новость у нас уже опубликована" in only_notification(ru).body


# --- delivery: after commit, once, never to someone who left ------------------------------------------------------


def test_the_notification_is_made_only_after_commit(
    editor, writer, in_review, django_capture_on_commit_callbacks
):
    author = writer("en")
    article = in_review(author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")
    assert not Notification.objects.exists() and not mail.outbox  # the transaction has not committed yet
    for callback in callbacks:
        callback()
    assert only_notification(author).kind == "request_changes"
    assert len(mail.outbox) == 1


def test_a_redelivered_task_notifies_and_mails_once(editor, writer, in_review):
    author = writer("en")
    article = in_review(author)
    workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")  # hooks not run
    event = decision_event(article, Action.REQUEST_CHANGES)
    notify_decision.delay(event.pk)
    notify_decision.delay(event.pk)  # the broker redelivers
    notify_decision(event.pk)
    assert Notification.objects.filter(user=author).count() == 1
    assert len(mail.outbox) == 1


def test_a_concurrent_duplicate_finds_the_row_and_does_not_mail(editor, writer, in_review):
    author = writer("en")
    article = in_review(author)
    workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")
    event = decision_event(article, Action.REQUEST_CHANGES)
    Notification.objects.create(user=author, kind="request_changes", key=f"decision:{event.pk}", title="x")
    # past the early check, as a worker racing the first one would be
    assert (
        notify._deliver(
            user=author,
            kind="request_changes",
            key=f"decision:{event.pk}",
            title="y",
            body="",
            data={},
            letter="",
        )
        is None
    )
    assert Notification.objects.get().title == "x" and not mail.outbox


def test_no_notification_for_an_author_who_left(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author)
    User.objects.filter(pk=author.pk).update(is_active=False, deleted_at=timezone.now())
    with commit():
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")
    assert not Notification.objects.exists() and not mail.outbox


def test_events_that_are_not_decisions_and_signals_without_an_event_are_ignored(writer, in_review):
    article = in_review(writer("en"))
    submit = ArticleEvent.objects.filter(article=article, action=Action.SUBMIT).latest("id")
    assert notify.notify_decision(submit.pk) is None
    assert notify.notify_decision(10**9) is None
    notify_author_of_decision(None, article_id=article.pk, action="approve")  # no event_id: no task
    assert not Notification.objects.exists() and not mail.outbox


# --- the notifications API ----------------------------------------------------------------------------------------


@pytest.fixture
def notes():
    """notes(user, n) -> n notifications of `user`, oldest first."""

    def make(user, n, **kw):
        base = timezone.now() - dt.timedelta(hours=n)
        return [
            Notification.objects.create(
                user=user,
                kind="approve",
                key=f"test:{user.pk}:{i}",
                title=f"note {i}",
                created_at=base + dt.timedelta(hours=i),
                **kw,
            )
            for i in range(n)
        ]

    return make


def test_list_is_own_newest_first_with_the_unread_count(api, writer, editor, in_review, commit, notes):
    author = writer("en")
    article = in_review(author)
    with commit():
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")
    old = notes(author, 2)
    notes(UserFactory(), 3)  # someone else's
    response = api(author).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results", "unread_count"}
    assert body["count"] == 3 and body["unread_count"] == 3
    results = body["results"]
    assert [n["id"] for n in results[1:]] == [old[1].pk, old[0].pk]
    decision = results[0]
    assert decision["kind"] == "request_changes" and decision["read"] is False and decision["read_at"] is None
    assert decision["data"] == {"article": article.pk, "action": "request_changes", "reason_code": ""}
    assert decision["title"] == "The editors asked for changes to “Жители против вырубки сквера”"
    paged = api(author).get("/api/v1/notifications/?limit=1&offset=1").json()
    assert [n["id"] for n in paged["results"]] == [old[1].pk] and paged["next"]


def test_unread_filter_mark_read_and_read_all(api, writer, notes):
    user = writer()
    first, second, third = notes(user, 3)
    client = api(user)
    response = client.post(f"/api/v1/notifications/{second.pk}/read/")
    assert response.status_code == 200
    assert response.json()["id"] == second.pk and response.json()["read"] is True
    read_at = response.json()["read_at"]
    assert client.post(f"/api/v1/notifications/{second.pk}/read/").json()["read_at"] == read_at  # idempotent

    unread = client.get("/api/v1/notifications/?unread=true").json()
    assert [n["id"] for n in unread["results"]] == [third.pk, first.pk] and unread["unread_count"] == 2
    read = client.get("/api/v1/notifications/?unread=false").json()
    assert [n["id"] for n in read["results"]] == [second.pk]
    bad = client.get("/api/v1/notifications/?unread=maybe")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"unread"}

    response = client.post("/api/v1/notifications/read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert client.get("/api/v1/notifications/").json()["unread_count"] == 0
    assert Notification.objects.get(pk=second.pk).read_at == parse_datetime(read_at)  # read-all kept it


def test_someone_elses_notification_is_not_found_and_stays_unread(api, writer, notes):
    owner, other = writer(), writer()
    (theirs,) = notes(owner, 1)
    notes(other, 1)
    client = api(other)
    response = client.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert response.json() == client.post("/api/v1/notifications/999999/read/").json()  # nothing leaks
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_need_sign_in(api):
    for method, path in (
        ("get", "/api/v1/notifications/"),
        ("post", "/api/v1/notifications/1/read/"),
        ("post", "/api/v1/notifications/read-all/"),
    ):
        response = getattr(api(), method)(path)
        assert response.status_code == 401 and error_code(response) == "not_authenticated", path


# --- the editors' overdue digest ----------------------------------------------------------------------------------


def waiting(author, *, due_in_hours, **kw):
    """An article waiting in the queue with the given due time (set directly: only the queue columns matter)."""
    article = ArticleFactory(author=author, **kw)
    due = timezone.now() + dt.timedelta(hours=due_in_hours)
    Article.objects.filter(pk=article.pk).update(status=Status.IN_REVIEW, due_at=due, queue_key=due)
    article.refresh_from_db()
    return article


def digests(user):
    return Notification.objects.filter(user=user, kind="overdue_digest")


def test_digest_lists_only_the_overdue_articles_the_editor_may_take(writer, in_review):
    editor = EditorFactory(language="en", display_name="Eve")
    colleague = EditorFactory()
    busy = EditorFactory()
    EditorProfile.objects.create(user=busy, languages=["en"])  # works on English articles only
    conflicted_author = writer()
    ConflictDeclaration.objects.create(editor=editor, author=conflicted_author, reason="my brother")

    overdue = in_review(writer(), title="Overdue one")  # through the real workflow
    Article.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    own = waiting(editor, due_in_hours=-3, title="Eve's own")
    conflicted = waiting(conflicted_author, due_in_hours=-5, title="Conflicted")
    waiting(writer(), due_in_hours=+2, title="Not yet due")

    assert send_overdue_digests.delay().get() == 2  # editor and colleague; busy has nothing overdue
    note = digests(editor).get()
    assert note.data["articles"] == [overdue.pk] and note.data["total"] == 1
    assert note.title == "1 overdue article is waiting for an editor"
    with override("en"):
        due = formats.date_format(
            timezone.localtime(Article.objects.get(pk=overdue.pk).due_at), "DATETIME_FORMAT"
        )
    assert note.body == (
        "These articles in your queue are past their review deadline:\n\n"
        f"- “Overdue one” (#{overdue.pk}), due {due}\n\n"
        "Open the moderation queue to take one."
    )
    assert digests(colleague).get().data["articles"] == [
        conflicted.pk,
        own.pk,
        overdue.pk,
    ]  # most overdue first
    assert not digests(busy).exists()
    assert not Notification.objects.filter(kind="overdue_digest", user__in=[conflicted_author]).exists()

    letters = {m.to[0]: m for m in mail.outbox}
    assert set(letters) == {editor.email, colleague.email}
    assert letters[editor.email].subject == note.title
    assert letters[editor.email].body == "Hello, Eve!\n\n" + note.body
    assert "Eve's own" not in letters[editor.email].body and "Conflicted" not in letters[editor.email].body


def test_digest_once_per_period(writer, settings):
    editor = EditorFactory()
    waiting(writer(), due_in_hours=-1)
    period = settings.NEWSROOM["OVERDUE_DIGEST_HOURS"] * 3600
    start = dt.datetime.fromtimestamp((timezone.now().timestamp() // period + 1) * period, tz=dt.UTC)
    minute = dt.timedelta(minutes=1)
    assert notify.overdue_digest(start + minute) == 1
    assert notify.overdue_digest(start + minute) == 0  # the beat task redelivered
    assert (
        notify.overdue_digest(start + dt.timedelta(seconds=period) - minute) == 0
    )  # later in the same period
    assert digests(editor).get().key == f"digest:{editor.pk}:{notify.digest_slot(start)}"
    assert len(mail.outbox) == 1
    assert notify.overdue_digest(start + dt.timedelta(seconds=period) + minute) == 1  # the next period
    assert digests(editor).count() == 2 and len(mail.outbox) == 2


def test_the_beat_task_sends_the_digest(writer):
    editor = EditorFactory(language="en")
    waiting(writer(), due_in_hours=-1)
    assert send_overdue_digests.delay().get() == 1
    assert send_overdue_digests.delay().get() == 0
    assert digests(editor).get().title == "1 overdue article is waiting for an editor"
    assert len(mail.outbox) == 1


def test_digest_of_a_russian_speaking_editor_names_20_and_counts_all(writer):
    editor = EditorFactory(language="ru")
    author = writer()
    articles = [waiting(author, due_in_hours=-1 - i, title=f"Статья {i}") for i in range(23)]
    assert notify.overdue_digest(timezone.now()) == 1
    note = digests(editor).get()
    most_overdue = [a.pk for a in reversed(articles)][: notify.DIGEST_LIST_LIMIT]
    assert note.data["total"] == 23 and note.data["articles"] == most_overdue
    assert "23" in note.title
    listed = [line for line in note.body.splitlines() if line.startswith("- ")]
    assert len(listed) == notify.DIGEST_LIST_LIMIT
    assert "Статья 22" in listed[0] and "Статья 0" not in note.body
    assert "3" in note.body.split("\n\n")[2]  # ...and 3 more
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == note.title
    assert mail.outbox[0].to == [editor.email] and editor.display_name in mail.outbox[0].body


def test_no_digest_for_editors_with_nothing_overdue_nor_for_non_editors(writer):
    english_only = EditorFactory()
    EditorProfile.objects.create(user=english_only, languages=["en"])
    left = EditorFactory()
    User.objects.filter(pk=left.pk).update(is_active=False, deleted_at=timezone.now())
    contributor = writer()
    waiting(writer(), due_in_hours=-1)  # in Russian
    waiting(contributor, due_in_hours=+5, language="en")  # in English, not yet due
    assert notify.overdue_digest(timezone.now()) == 0
    assert not Notification.objects.exists() and not mail.outbox


def test_digest_skips_articles_a_colleague_is_working_on(writer):
    editor, colleague = EditorFactory(), EditorFactory()
    article = waiting(writer(), due_in_hours=-1)
    Article.objects.filter(pk=article.pk).update(
        claimed_by=colleague, claim_expires_at=timezone.now() + dt.timedelta(minutes=20)
    )
    assert notify.overdue_digest(timezone.now()) == 1
    assert not digests(editor).exists()
    assert digests(colleague).get().data["articles"] == [
        article.pk
    ]  # their own claim: still theirs to finish


def test_digest_queries_do_not_grow_with_the_number_of_articles(writer, django_assert_max_num_queries):
    EditorFactory()
    EditorFactory()
    author = writer()
    waiting(author, due_in_hours=-1)
    now = timezone.now()
    hours = dt.timedelta(hours=4)
    with django_assert_max_num_queries(100) as few:
        assert notify.overdue_digest(now) == 2
    for i in range(25):
        waiting(author, due_in_hours=-2 - i)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):  # + the count of a list over 20
        assert notify.overdue_digest(now + hours) == 2


# --- the language of letters: registration and profile ------------------------------------------------------------


@pytest.mark.parametrize(("accept", "stored"), [("en", "en"), ("en-GB", "en"), ("ru", "ru"), ("de", "ru")])
def test_registration_stores_the_language_of_the_request(api, accept, stored):
    response = api(lang=accept).post(
        "/api/v1/auth/register/",
        {"email": "new@example.org", "password": PASSWORD, "display_name": "New Author"},
        format="json",
    )
    assert response.status_code == 201
    assert User.objects.get(email="new@example.org").language == stored


def test_the_profile_shows_and_changes_the_language(api, writer):
    user = writer("ru")
    client = api(user)
    assert client.get("/api/v1/me/").json()["language"] == "ru"
    response = client.patch("/api/v1/me/", {"language": "en"}, format="json")
    assert response.status_code == 200 and response.json()["language"] == "en"
    user.refresh_from_db()
    assert user.language == "en"
    bad = client.patch("/api/v1/me/", {"language": "de"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"language"}
    assert User.objects.get(pk=user.pk).language == "en"


def test_notifications_are_in_the_export_and_go_with_the_account(api, writer, notes):
    user = writer("en")
    notes(user, 2)
    client = api(user)
    account = client.get("/api/v1/me/export/").json()["account"]
    assert account["language"] == "en"
    assert [n["title"] for n in account["notifications"]] == ["note 1", "note 0"]
    assert client.delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not Notification.objects.filter(user=user).exists()


def test_a_title_with_a_line_break_still_makes_a_valid_subject(editor, writer, in_review, commit):
    author = writer("en")
    article = in_review(author, title="Park\nsaved")
    with commit():
        workflow.article_request_changes(actor=editor, article_id=article.pk, message="Sources?")
    assert only_letter(author).subject == "The editors asked for changes to “Park saved”"
