from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from newsroom.accounts.models import User
from newsroom.accounts.roles import CONTRIBUTOR, EDITOR, grant_role
from submissions.models import Article, Category

PASSWORD = "correct-horse-battery-9"

BODY_RU = (
    "Жители района собрались у здания администрации, чтобы обсудить планы строительства новой дороги. "
    "По словам участников встречи, проект предполагает вырубку части старого сквера, где гуляют семьи с детьми. "
    "Представители подрядчика пообещали рассмотреть альтернативный маршрут и вернуться с ответом через две недели. "
    "Активисты собрали более пятисот подписей и направили обращение депутатам городского совета. "
    "На следующей неделе вопрос рассмотрит профильная комиссия, заседание будет открытым для всех желающих."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Автор {n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    # a fresh verified contributor; tests of trust change these, or call submissions.trust.trust_recompute
    trust_level = factory.LazyAttribute(lambda o: 1 if o.email_verified_at else 0)
    trust_reason = factory.LazyAttribute(lambda o: "verified" if o.email_verified_at else "email_unverified")
    trust_computed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def role(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.save()
        grant_role(obj, CONTRIBUTOR)
        if extracted and extracted != CONTRIBUTOR:
            grant_role(obj, extracted)


def EditorFactory(**kwargs: object) -> User:
    kwargs.setdefault("role", EDITOR)
    return UserFactory(**kwargs)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Жители против вырубки сквера, выпуск {n}")
    lead = "Сотни подписей за сохранение деревьев."
    body = BODY_RU
    language = "ru"
    category = factory.LazyFunction(lambda: Category.objects.get(slug="city"))
    rights_confirmed = True
