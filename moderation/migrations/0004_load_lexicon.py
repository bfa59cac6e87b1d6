"""Loads the shipped lexicon (moderation/data/lexicon/*.txt) into LexiconEntry.

The loader is moderation.lexicon.load_entries, the same code as `manage.py load_lexicon`, given the historical
model. It only creates and updates rows, so running it again (or the command after it) is harmless."""

from django.db import migrations


def load_shipped_lexicon(apps, schema_editor):
    from moderation import lexicon

    LexiconEntry = apps.get_model("moderation", "LexiconEntry")
    lexicon.load_entries(LexiconEntry, lexicon.shipped_terms())
    lexicon.invalidate()  # workers still running the previous release reload their copy


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_check_data"),
    ]

    operations = [
        migrations.RunPython(load_shipped_lexicon, migrations.RunPython.noop, elidable=True),
    ]
