"""Search at scale: each entry carries its article's language and publication time (the window of newest matches
is taken from the entries alone, on the index search_recent_idx), every vector is in the `russian` configuration
(Russian and English stems: one `@@` per query), and SQLite gets an external-content FTS5 table of the entries'
stems, kept current by triggers on the entries."""

from django.db import migrations, models

from newsroom.publishing.search_text import fold, fts_key, stem_text

FTS = "publishing_search_fts"
COLUMNS = "title_stems, lead_stems, body_stems"

SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='publishing_searchentry', "
    "content_rowid='fts_key', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON publishing_searchentry BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.fts_key, new.title_stems, new.lead_stems, new.body_stems);
    END""",
    f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON publishing_searchentry BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
        VALUES ('delete', old.fts_key, old.title_stems, old.lead_stems, old.body_stems);
    END""",
    f"""CREATE TRIGGER {FTS}_au AFTER UPDATE ON publishing_searchentry BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
        VALUES ('delete', old.fts_key, old.title_stems, old.lead_stems, old.body_stems);
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.fts_key, new.title_stems, new.lead_stems, new.body_stems);
    END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{kind}" for kind in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            """UPDATE publishing_searchentry e SET language = a.language, published_at = a.published_at,
                   vector = setweight(to_tsvector('russian', translate(a.title, 'ёЁ', 'еЕ')), 'A')
                         || setweight(to_tsvector('russian', translate(a.lead, 'ёЁ', 'еЕ')), 'B')
                         || setweight(to_tsvector('russian', translate(a.body, 'ёЁ', 'еЕ')), 'C')
               FROM submissions_article a WHERE a.id = e.article_id""",
            params=None,
        )
        return
    if connection.vendor != "sqlite":
        return
    SearchEntry = apps.get_model("publishing", "SearchEntry")
    Article = apps.get_model("submissions", "Article")
    for statement in SQLITE_FTS:
        schema_editor.execute(statement, params=None)
    for entry in SearchEntry.objects.iterator():
        article = Article.objects.get(pk=entry.article_id)
        entry.language = article.language
        entry.published_at = article.published_at
        entry.title_stems = stem_text(fold(article.title))
        entry.lead_stems = stem_text(fold(article.lead))
        entry.body_stems = stem_text(fold(article.body))
        entry.fts_key = fts_key(article.published_at, article.pk)
        entry.save(
            update_fields=["language", "published_at", "title_stems", "lead_stems", "body_stems", "fts_key"]
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0003_alter_publicationclock_options_and_more")]

    operations = [
        migrations.RemoveField(model_name="searchentry", name="config"),
        migrations.RemoveField(model_name="searchentry", name="stems"),
        migrations.AddField(
            model_name="searchentry",
            name="language",
            field=models.CharField(blank=True, default="", max_length=8, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="published_at",
            field=models.DateTimeField(null=True, verbose_name="published"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="title_stems",
            field=models.TextField(blank=True, default="", verbose_name="title stems"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="lead_stems",
            field=models.TextField(blank=True, default="", verbose_name="lead stems"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="body_stems",
            field=models.TextField(blank=True, default="", verbose_name="body stems"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="fts_key",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="full-text row"),
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(fts_key__isnull=False), fields=["fts_key"], name="search_fts_key_unique"
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["-published_at", "-article"], name="search_recent_idx"),
        ),
    ]
