from django.db import migrations

CATEGORIES = [
    ("society", "Общество", "Society"),
    ("politics", "Политика", "Politics"),
    ("economy", "Экономика", "Economy"),
    ("incidents", "Происшествия", "Incidents"),
    ("city", "Город", "City"),
    ("culture", "Культура", "Culture"),
    ("sport", "Спорт", "Sport"),
    ("science-tech", "Наука и технологии", "Science and technology"),
    ("environment", "Экология", "Environment"),
    ("opinion", "Мнения", "Opinion"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("submissions", "Category")
    for position, (slug, name_ru, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            slug=slug, defaults={"name_ru": name_ru, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
