"""
The pages the benchmark plants in both projects, Bastion's and a plain `startproject`.

The same file serves both (it imports only Django), so both render the same template
through their own template engine, middleware and context processors:

- `page`: a form with a CSRF token and a table of 100 rows, about 6 ms of template work,
  as a typical product page spends its CPU;
- `database_page`: one query that keeps PostgreSQL busy for 20 ms, as a page with slow
  queries waits on the database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cache

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.backends.base import BaseEngine
from django.urls import path

ROWS = 100
# How long the database page's one query keeps the database busy.
WAIT_SECONDS = 0.02

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Orders</title></head>
<body>
<main>
<h1>Orders</h1>
<form method="post" action="">
  {% csrf_token %}
  <label>Customer <input name="customer" maxlength="100" required></label>
  <label>Amount <input name="amount" type="number" step="0.01"></label>
  <button type="submit">Add</button>
</form>
<table>
  <thead><tr><th>#</th><th>Customer</th><th>Email</th><th>Placed</th><th>Amount</th>
  <th>Status</th><th>Notes</th></tr></thead>
  <tbody>
  {% for row in rows %}
  <tr class="{% cycle 'odd' 'even' %}">
    <td>{{ forloop.counter }}</td>
    <td>{{ row.customer|title }}</td>
    <td><a href="mailto:{{ row.email }}">{{ row.email|lower }}</a></td>
    <td>{{ row.placed|date:"j M Y, H:i" }}</td>
    <td>{{ row.amount|floatformat:2 }}</td>
    <td>{% if row.paid %}paid{% elif row.amount > 500 %}review{% else %}open{% endif %}</td>
    <td>{{ row.notes|default:"-" }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
</main>
</body>
</html>
"""


@cache
def _template() -> object:
    engine: BaseEngine = engines["django"]
    return engine.from_string(TEMPLATE)


@cache
def _rows() -> list[dict[str, object]]:
    placed = datetime.datetime(2026, 1, 1, 9, 30, tzinfo=datetime.UTC)
    return [
        {
            "customer": f"customer number {n}",
            "email": f"Customer.{n}@Example.com",
            "placed": placed + datetime.timedelta(hours=7 * n),
            "amount": Decimal(n * 7919 % 1000) + Decimal("0.5"),
            "paid": n % 3 == 0,
            "notes": "A note <with> markup & words that the table shortens for display",
        }
        for n in range(ROWS)
    ]


def page(request: HttpRequest) -> HttpResponse:
    template = _template()
    return HttpResponse(template.render({"rows": _rows()}, request))  # type: ignore[attr-defined]


def database_page(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [WAIT_SECONDS])
    return HttpResponse("waited", content_type="text/plain")


urlpatterns = [
    path("bench/page/", page),
    path("bench/database/", database_page),
]
