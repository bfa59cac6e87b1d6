"""Autovacuum keeps up with the moderation queue (PostgreSQL only).

Every claim, renewal, release and decision rewrites an article's row and moves it in or out of the queue's
partial indexes (article_queue_idx, article_unclaimed_idx, article_lease_idx), so the articles table collects
dead row versions at the rate editors work, while the table itself is large and mostly still. The default
trigger (20% of the table dead) lets a million-article table gather 200,000 dead versions at the head of the
queue before a vacuum starts, and claim-next slows down stepping over them. Here the trigger is 1% (or 1,000
rows) and the statistics are refreshed at 2%; a vacuum of this table also runs without the cost-based pauses
that throttle a background vacuum, since what it cleans is what every claim walks. The event log only grows
(inserts): its vacuum is triggered by inserts at 5%, which keeps its visibility map current for index-only
reads of an article's trail.
"""

from django.db import migrations

ARTICLE = (
    "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0"
)
EVENTS = "autovacuum_vacuum_insert_scale_factor = 0.05"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE submissions_article SET ({ARTICLE})")
    schema_editor.execute(f"ALTER TABLE submissions_articleevent SET ({EVENTS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, options in (("submissions_article", ARTICLE), ("submissions_articleevent", EVENTS)):
        names = ", ".join(option.split("=")[0].strip() for option in options.split(","))
        schema_editor.execute(f"ALTER TABLE {table} RESET ({names})")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0010_feed_index_for_both_databases")]

    operations = [migrations.RunPython(tune, untune)]
