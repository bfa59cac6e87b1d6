from newsroom.celery import reliable_task
from newsroom.publishing.search import index_article_id


@reliable_task
def index_article(article_id: int) -> None:
    index_article_id(article_id)
