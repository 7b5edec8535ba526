"""apps/core/mail.py: without EMAIL_URL in production, each message is logged, not sent."""

from __future__ import annotations

import logging

import pytest
from django.core.mail import EmailMessage

from apps.core.mail import NotSentEmailBackend


def test_each_message_not_sent_is_a_warning_naming_its_subject(
    caplog: pytest.LogCaptureFixture,
) -> None:
    messages = [
        EmailMessage("Password reset on bastion", "secret link", to=["a@example.com"]),
        EmailMessage("[Django] ERROR", "trace", to=["b@example.com", "c@example.com"]),
    ]

    with caplog.at_level(logging.WARNING, logger="apps.core.mail"):
        sent = NotSentEmailBackend().send_messages(messages)

    assert sent == 0
    assert [record.getMessage() for record in caplog.records] == [
        "Mail not sent (EMAIL_URL is not set): subject='Password reset on bastion' recipients=1",
        "Mail not sent (EMAIL_URL is not set): subject='[Django] ERROR' recipients=2",
    ]
    assert "secret link" not in caplog.text
