from django.db import migrations


def render_bodies(apps, schema_editor):
    from submissions.content import render_markdown

    Article = apps.get_model("submissions", "Article")
    for article in Article.objects.filter(body_html="").exclude(body="").only("pk", "body").iterator(500):
        Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))


class Migration(migrations.Migration):
    dependencies = [("submissions", "0004_edit_action")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop)]
