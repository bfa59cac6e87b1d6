"""Seeds a demo editor, a demo contributor, a few published articles (one with a correction) and a few articles
waiting in the queue (one the checks flag as risky, a near-duplicate of a published one, one in English), once.

Everything goes through the real services and workflow (submit, checks, approve), so demo data is exactly what
the product would have produced. Passwords are random, kept in var/demo-accounts.json and printed on every run.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from moderation import duplicates, runner
from newsroom.accounts.models import User
from newsroom.accounts.roles import CONTRIBUTOR, EDITOR, grant_role
from newsroom.accounts.services import create_staff
from submissions import services, workflow
from submissions.models import Article, Category
from submissions.trust import trust_recompute

EDITOR_EMAIL = "editor@example.org"
CONTRIBUTOR_EMAIL = "contributor@example.org"

ARTICLES = [
    (
        "ru",
        "city",
        "В городе открылся новый парк у реки",
        "На месте заброшенной промзоны жители получили сорок гектаров зелени.",
        "В субботу на набережной открылся новый городской парк. Ещё три года назад здесь стояли пустые склады "
        "и ржавые ангары, а теперь проложены велосипедные дорожки, высажено более двух тысяч деревьев и "
        "обустроены детские площадки. Проект обсуждали на публичных слушаниях, и жители настояли на том, чтобы "
        "сохранить старые тополя вдоль воды. По словам главного архитектора, парк будет открыт круглосуточно, "
        "а освещение работает от солнечных панелей. Первые посетители жаловались только на нехватку скамеек — "
        "в администрации обещали добавить их до конца месяца.",
    ),
    (
        "ru",
        "culture",
        "Школьный театр поставил спектакль по Чехову",
        "Десятиклассники сами сшили костюмы и собрали декорации.",
        "Ученики десятого класса городской гимназии представили на сцене актового зала спектакль по рассказам "
        "Антона Чехова. Репетиции шли полгода, а костюмы ребята шили вместе с родителями по старым выкройкам из "
        "библиотеки. Режиссёром выступила учительница литературы, которая уже пятнадцать лет ведёт школьный "
        "театральный кружок. Зал на двести мест был заполнен, многим зрителям пришлось стоять в проходах. "
        "Следующий показ назначен на конец месяца, вход свободный, но места просят бронировать заранее.",
    ),
    (
        "ru",
        "environment",
        "Волонтёры убрали три тонны мусора с берега озера",
        "В субботнике приняли участие больше ста человек.",
        "В выходные более ста волонтёров вышли на уборку берега озера за посёлком. За шесть часов они собрали "
        "около трёх тонн мусора: пластиковые бутылки, старые покрышки, обрывки рыболовных сетей. Организаторы "
        "заранее договорились с местным перевозчиком, и все мешки вывезли на сортировочную станцию в тот же день. "
        "Участники отмечают, что мусора стало меньше, чем два года назад, когда акция проводилась впервые. "
        "Следующий субботник запланирован на весну, к нему уже присоединились две местные школы.",
    ),
    (
        "en",
        "science-tech",
        "Students build a weather station for their village",
        "The station posts readings online every ten minutes.",
        "A group of secondary-school students has built an automatic weather station on the roof of their "
        "village library. The station measures temperature, humidity, wind speed and rainfall, and publishes "
        "its readings online every ten minutes. The students wrote the software themselves during an after-school "
        "club and raised the money for the sensors at a local fair. Farmers nearby say the rainfall data already "
        "helps them plan their work, and the regional hydrometeorological centre has asked to include the "
        "readings in its network.",
    ),
    (
        "en",
        "sport",
        "Local club wins the regional youth football cup",
        "A last-minute goal decided the final.",
        "The under-16 team of the local football club won the regional youth cup on Sunday after a dramatic "
        "final that was decided by a goal in the last minute of added time. The club was founded only five years "
        "ago by parents who wanted a place for their children to train, and it still relies on volunteers to run "
        "its sessions. The coach said the victory belonged to the whole community that had supported the team "
        "through a season of long bus journeys. The team now qualifies for the national tournament next summer.",
    ),
]

# waiting in the queue, so that a newcomer sees every part of the desk: (language, category, title, lead, body)
QUEUED = [
    (
        # shorter than the content rules allow: the checks fail it and it moves up the queue by its risk
        "ru",
        "city",
        "СРОЧНО!!! Во дворе сломали качели",
        "Жители возмущены.",
        "Во дворе дома на Садовой сломали качели. Кто виноват — неизвестно. Пишите в комментариях!!!",
    ),
    (
        # nearly the same text as the published story about the park: the near-duplicate check flags it
        "ru",
        "city",
        "На набережной открыли новый парк",
        "Жители получили сорок гектаров зелени на месте промзоны.",
        ARTICLES[0][4]
        .replace("В субботу", "В минувшую субботу")
        .replace("до конца месяца", "в ближайшие недели"),
    ),
    (
        "en",
        "culture",
        "Village library opens a free chess club for pensioners",
        "Twenty players came to the first evening.",
        "The village library has opened a free chess club for pensioners, meeting every Tuesday and Thursday "
        "evening in its reading room. The idea came from a retired teacher who had been playing alone against "
        "a computer since his wife died, and who asked the librarian whether anyone else might want a real "
        "opponent. Twenty people came to the first evening, some of them bringing boards their grandparents "
        "had made. The club now plans a small tournament in the spring and hopes to invite players from the "
        "neighbouring villages, and the library has asked the district council for money for clocks.",
    ),
]
CORRECTION = (
    "В первой версии заметки говорилось, что зал рассчитан на триста мест; на самом деле в нём двести мест."
)


class Command(BaseCommand):
    help = "Seeds demo accounts and published articles once; prints the demo accounts every time."

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.VAR_DIR / "demo-accounts.json"
        if User.objects.filter(email=EDITOR_EMAIL).exists() and path.exists():
            accounts = json.loads(path.read_text())
            self.stdout.write("Demo data already present; nothing reseeded.")
        else:
            accounts = self._seed()
            path.write_text(json.dumps(accounts, indent=2))
            path.chmod(0o600)
        self.stdout.write("")
        self.stdout.write(
            "Demo accounts (sign in at /account/login/, editors also at /admin/; the API: POST /api/v1/auth/login/):"
        )
        for role, creds in accounts.items():
            self.stdout.write(f"  {role:12} {creds['email']:28} password: {creds['password']}")

    @transaction.atomic
    def _seed(self) -> dict[str, dict[str, str]]:
        accounts = {
            "editor": {"email": EDITOR_EMAIL, "password": secrets.token_urlsafe(12)},
            "contributor": {"email": CONTRIBUTOR_EMAIL, "password": secrets.token_urlsafe(12)},
        }
        editor = create_staff(
            email=EDITOR_EMAIL,
            password=accounts["editor"]["password"],
            role=EDITOR,
            display_name="Редактор Демо",
        )
        contributor = User.objects.filter(email=CONTRIBUTOR_EMAIL).first()
        if contributor is None:
            contributor = User.objects.create_user(
                email=CONTRIBUTOR_EMAIL,
                password=accounts["contributor"]["password"],
                display_name="Анна Корреспондент",
                email_verified_at=timezone.now(),
            )
        else:
            contributor.set_password(accounts["contributor"]["password"])
            contributor.save(update_fields=["password"])
        grant_role(contributor, CONTRIBUTOR)

        # The published demo news comes from two archive authors (no password: nobody signs in as them), so that
        # the demo contributor starts with the whole daily allowance of a new account.
        archive = [
            _archive_author("archive-ru@example.org", "Мария Репортёр", pen_name=""),
            _archive_author("archive-en@example.org", "John Stringer", pen_name="Stringer"),
        ]
        published = []
        for index, (language, category, title, lead, body) in enumerate(ARTICLES):
            article = _submitted(archive[index % len(archive)], language, category, title, lead, body)
            published.append(workflow.article_approve(actor=editor, article_id=article.pk, note="demo"))
            # the workflow's receiver indexes it for the near-duplicate check after commit, which comes only at
            # the end of this transaction: index it now, so that the queued near-duplicate below is caught
            duplicates.sync_article(article.pk)
        # a published story with a public correction (the theatre's hall: articles[1])
        workflow.article_correct(actor=editor, article_id=published[1].pk, text=CORRECTION)
        # what waits for an editor, by two more readers (the archive authors used their daily allowance)
        newcomers = [
            _archive_author("reader-ru@example.org", "Пётр Читатель", pen_name=""),
            _archive_author("reader-en@example.org", "Kate Reader", pen_name=""),
        ]
        for language, category, title, lead, body in QUEUED:
            _submitted(newcomers[language == "en"], language, category, title, lead, body)
        for user in (editor, contributor, *archive, *newcomers):
            trust_recompute(user.pk)
        self.stdout.write(
            f"Seeded {len(ARTICLES)} published articles (one corrected) and {len(QUEUED)} waiting in the queue."
        )
        return accounts


def _submitted(author: User, language: str, category: str, title: str, lead: str, body: str) -> Article:
    """An article written and submitted by `author`, its checks run: in review, with its place in the queue."""
    article = services.article_create(
        actor=author,
        title=title,
        lead=lead,
        body=body,
        language=language,
        category=Category.objects.get(slug=category),
        rights_confirmed=True,
    )
    article = workflow.article_submit(actor=author, article_id=article.pk)
    # run the checks here, whether or not a worker is up yet (a queued copy later changes nothing)
    assert article.current_revision_id is not None
    runner.run_all_now(article.current_revision_id)
    return article


def _archive_author(email: str, display_name: str, *, pen_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, display_name=display_name, email_verified_at=timezone.now()
        )
        user.pen_name = pen_name
        user.save(update_fields=["pen_name"])
    grant_role(user, CONTRIBUTOR)
    trust_recompute(user.pk)
    return user
