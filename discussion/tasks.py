from celery import shared_task

from discussion import notices


@shared_task(ignore_result=True)
def reply_notices(post_id: int):
    return notices.reply_notices(post_id)


@shared_task(ignore_result=True)
def announcement_notices(topic_id: int):
    return notices.announcement_notices(topic_id)
