"""The demo's task: a new guestbook entry mails the admins, through django-tasks."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django_tasks import TaskResultStatus
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from apps.demo.models import Message
from apps.demo.tasks import guestbook_entry_notify_admins

pytestmark = pytest.mark.django_db

ADMINS = [("Site admin", "admin@example.com")]


@pytest.fixture
def admins(settings: Settings) -> Settings:
    settings.ADMINS = ADMINS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_a_guestbook_entry_mails_the_admins_once_it_is_committed(
    client: Client,
    admins: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/guestbook/", {"name": "Ada", "body": "Lovely site."})
        assert mail.outbox == []  # not before the entry is committed

    assert response.status_code == HTTPStatus.FOUND
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["admin@example.com"]
    assert "New guestbook entry from Ada" in sent.subject
    assert "Lovely site." in sent.body


def test_an_invalid_entry_enqueues_nothing(
    client: Client,
    admins: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/guestbook/", {"name": "", "body": ""})

    assert callbacks == []
    assert mail.outbox == []


def test_a_name_cannot_add_a_header_to_the_mail(admins: Settings) -> None:
    message = Message.objects.create(name="Eve\nBcc: victim@example.com", body="hi")

    result = guestbook_entry_notify_admins.enqueue(message_id=message.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox[0].subject.endswith("New guestbook entry from Eve Bcc: victim@example.com")
    assert mail.outbox[0].recipients() == ["admin@example.com"]


def test_an_entry_deleted_before_the_task_runs_sends_nothing(admins: Settings) -> None:
    result = guestbook_entry_notify_admins.enqueue(message_id=123456)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox == []


def test_with_the_database_backend_the_entry_waits_in_the_queue(
    settings: Settings, admins: Settings
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = Message.objects.create(name="Ada", body="Queued.")

    result = guestbook_entry_notify_admins.enqueue(message_id=message.pk)

    assert result.status == TaskResultStatus.READY
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.task_path == "apps.demo.tasks.guestbook_entry_notify_admins"
    assert stored.args_kwargs["kwargs"] == {"message_id": message.pk}
    assert mail.outbox == []
