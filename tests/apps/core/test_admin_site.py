"""The admin names the site, and lists the project's content before its plumbing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from apps.core.admin_site import PLUMBING_APPS

pytestmark = pytest.mark.django_db


def test_the_admin_header_and_title_name_the_site(admin_client: Client) -> None:
    response = admin_client.get("/admin/")

    assert response.status_code == HTTPStatus.OK
    assert "Bastion administration" in response.text
    assert "Django administration" not in response.text
    assert "<title>Bastion | Bastion admin</title>" in response.text


def test_the_index_lists_the_plumbing_apps_after_every_other(admin_client: Client) -> None:
    labels = [app["app_label"] for app in admin_client.get("/admin/").context["app_list"]]
    plumbing = [label in PLUMBING_APPS for label in labels]

    assert any(plumbing), labels
    assert not plumbing[0], labels
    assert plumbing == sorted(plumbing), labels
