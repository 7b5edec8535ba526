"""The mail backend used when EMAIL_URL is not set and DEBUG is off."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class NotSentEmailBackend(BaseEmailBackend):
    """Sends nothing and says so in the log, so a missing EMAIL_URL is noticed, not a 500."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.warning(
                "Mail not sent (EMAIL_URL is not set): subject=%r recipients=%d",
                message.subject,
                len(message.recipients()),
            )
        return 0
