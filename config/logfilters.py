"""Logging filters named in settings.LOGGING."""

import logging


class Brief(logging.Filter):
    """Keep the one-line message of an expected refusal (a too-large upload is refused with
    a clear answer to the participant) and drop its traceback, which explains nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
