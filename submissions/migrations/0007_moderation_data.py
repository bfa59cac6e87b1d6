"""The audit trail becomes append-only in the database; the rejection taxonomy, a fact-check stage and the
SLA of incidents are seeded (all editable in the admin); articles already waiting get their queue position."""

from datetime import timedelta

from django.db import migrations

from newsroom.db.append_only import append_only

REASONS = [
    # code, ru, en, template ru, template en, needs legal ground
    (
        "spam",
        "Спам или реклама",
        "Spam or advertising",
        "Материал «{title}» отклонён: это реклама или спам.",
        "“{title}” was rejected: it is advertising or spam.",
        False,
    ),
    (
        "duplicate",
        "Повтор уже опубликованной новости",
        "Duplicate of published news",
        "Материал «{title}» отклонён: эта новость у нас уже опубликована.",
        "“{title}” was rejected: we have already published this news.",
        False,
    ),
    (
        "copyright",
        "Нарушение авторских прав",
        "Copyright infringement",
        "Материал «{title}» отклонён: он содержит чужие тексты или снимки без разрешения правообладателя.",
        "“{title}” was rejected: it contains someone else's text or photos without the owner's permission.",
        False,
    ),
    (
        "defamation",
        "Риск диффамации",
        "Defamation risk",
        "Материал «{title}» отклонён: утверждения о людях или организациях не подтверждены и могут их порочить.",
        "“{title}” was rejected: its claims about people or organisations are unsupported and may defame them.",
        False,
    ),
    (
        "privacy",
        "Нарушение частной жизни",
        "Privacy violation",
        "Материал «{title}» отклонён: он раскрывает персональные данные или сведения о частной жизни.",
        "“{title}” was rejected: it discloses personal data or private life.",
        False,
    ),
    (
        "illegal",
        "Противоправный материал",
        "Illegal content",
        "Материал «{title}» отклонён: его распространение запрещено законом ({legal_ground}).",
        "“{title}” was rejected: publishing it is prohibited by law ({legal_ground}).",
        True,
    ),
    (
        "unverifiable",
        "Невозможно проверить",
        "Cannot be verified",
        "Материал «{title}» отклонён: мы не смогли проверить изложенные факты. Укажите источники.",
        "“{title}” was rejected: we could not verify the facts. Please name your sources.",
        False,
    ),
    (
        "off_topic",
        "Не по теме",
        "Off topic",
        "Материал «{title}» отклонён: он не соответствует тематике издания.",
        "“{title}” was rejected: it is outside the site's subject.",
        False,
    ),
    (
        "low_quality",
        "Низкое качество",
        "Low quality",
        "Материал «{title}» отклонён: текст требует существенной доработки.",
        "“{title}” was rejected: the text needs substantial work.",
        False,
    ),
    ("other", "Другое", "Other", "Материал «{title}» отклонён.", "“{title}” was rejected.", False),
]


def seed(apps, schema_editor):
    RejectionReason = apps.get_model("submissions", "RejectionReason")
    for position, (code, ru, en, tru, ten, legal) in enumerate(REASONS):
        RejectionReason.objects.get_or_create(
            code=code,
            defaults={
                "label_ru": ru,
                "label_en": en,
                "template_ru": tru,
                "template_en": ten,
                "needs_legal_ground": legal,
                "position": position,
            },
        )
    ReviewStage = apps.get_model("submissions", "ReviewStage")
    ReviewStage.objects.get_or_create(
        code="fact_check", defaults={"name_ru": "Проверка фактов", "name_en": "Fact-check"}
    )
    Category = apps.get_model("submissions", "Category")
    Category.objects.filter(slug="incidents").update(sla_hours=4)
    Article = apps.get_model("submissions", "Article")
    for article in Article.objects.filter(status="in_review", queue_key__isnull=True):
        start = article.submitted_at or article.created_at
        article.due_at = start + timedelta(hours=24)
        article.queue_key = article.due_at
        article.save(update_fields=["due_at", "queue_key"])


class Migration(migrations.Migration):
    dependencies = [("submissions", "0006_moderation")]

    operations = [
        append_only("submissions_articleevent"),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
