from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail

from accounts import notices


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
    acks_late=True,
    ignore_result=True,
)
def send_message(to: list[str], subject: str, body: str):
    """Deliver one message through EMAIL_URL's server; retried while the server is away."""
    send_mail(subject, body, None, to)


@shared_task(ignore_result=True)
def submission_notices(submission_ids: list[int]):
    return notices.submission_notices(submission_ids)


@shared_task(ignore_result=True)
def phase_notices():
    return notices.phase_notices()
