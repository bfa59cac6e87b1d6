from newsroom.celery import reliable_task


@reliable_task
def index_article(article_id: int) -> None:
    from newsroom.publishing.search import index_article_id

    index_article_id(article_id)
