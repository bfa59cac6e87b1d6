"""The GIN index of the search vectors (PostgreSQL only), and the entries of articles published before search."""

from django.db import migrations

from newsroom.publishing.search import config_for, fold, stems


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS publishing_search_vector_gin ON publishing_searchentry USING gin (vector)",
            params=None,
        )
    Article = apps.get_model("submissions", "Article")
    SearchEntry = apps.get_model("publishing", "SearchEntry")
    for article in Article.objects.filter(status="published").iterator():
        text = fold(f"{article.title} {article.lead} {article.body}")
        SearchEntry.objects.update_or_create(
            article_id=article.pk,
            defaults={"config": config_for(article.language), "stems": " " + " ".join(stems(text)) + " "},
        )
    if connection.vendor == "postgresql":
        schema_editor.execute(
            """UPDATE publishing_searchentry e SET vector =
                 setweight(to_tsvector(e.config::regconfig, translate(a.title, 'ёЁ', 'еЕ')), 'A')
              || setweight(to_tsvector(e.config::regconfig, translate(a.lead, 'ёЁ', 'еЕ')), 'B')
              || setweight(to_tsvector(e.config::regconfig, translate(a.body, 'ёЁ', 'еЕ')), 'C')
               FROM submissions_article a WHERE a.id = e.article_id""",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publishing_search_vector_gin", params=None)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_publication_clock_and_search"), ("submissions", "0007_moderation_data")]

    operations = [migrations.RunPython(forwards, backwards)]
