"""A polled list's page rendered afresh without DRF: the cold half of ``core.api.fastpath``.

After a change, every client polling ``/api/v1/sla-status/`` or ``/api/v1/compliance/``
misses the page cache once. Through DRF such a request cost 15–20 ms of one core:
authentication, permissions, throttles, the unknown-parameter check, the FilterSet (deep
copies of its filters and form), the ORM building four or five queries (windows, count,
page, results) and the pagination. This module answers the common form of that request,
a plain page (``page`` and ``page_size`` and nothing else), with what the view would have
answered, in two or three round trips and no ORM work per request:

- the list's query is the view's own, built by the ORM **once** per view, user and data
  version (:func:`compiled`), then run with the page's ``LIMIT``/``OFFSET`` and the total
  count in the same statement (:func:`paged`);
- the rows go through the view's own serializer (the hand-written ``to_representation``
  that the DRF path uses too), and the page's links are DRF's, built the way
  ``PageNumberPagination`` builds them (:func:`page_body`);
- the permission check is DRF's (``view_<model>`` or a superuser), read from the cached
  permission set of the user at this version (``core.permissions``): when it is not
  cached, the request goes to DRF, which caches it;
- the throttles are DRF's own classes, run against the user (when rates are set).

Anything else — another parameter, a malformed value, a page past the end, a cursor — goes
to DRF unchanged, which gives the answer or the 400. ``tests/compliance/test_cold_path.py``
holds both paths to the same JSON for every page of both lists, as several users.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import psycopg
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest, QueryDict
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core import versions
from core.api.authentication import KnownToken
from core.api.pagination import MAX_PAGE_SIZE
from core.permissions import permissions_key

_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
PAGE_PARAM = "page"
PAGE_SIZE_PARAM = "page_size"


@dataclass(frozen=True, slots=True)
class PlainPage:
    """The page a plain request asks for (``?page=&page_size=``, both optional)."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def plain_page(query: QueryDict) -> PlainPage | None:
    """The page asked for, or None when the query holds anything else or anything malformed.

    Strict on purpose: what is refused here is not an error, it is DRF's to judge (and to
    answer 400 where it must), so only the forms DRF would read the same way pass.
    """
    if not set(query) <= {PAGE_PARAM, PAGE_SIZE_PARAM}:
        return None
    values = {}
    for name in query:
        given = query.getlist(name)
        if len(given) != 1 or not _NUMBER.fullmatch(given[0]):
            return None
        values[name] = int(given[0])
    size = values.get(PAGE_SIZE_PARAM, int(api_settings.PAGE_SIZE or MAX_PAGE_SIZE))
    if size > MAX_PAGE_SIZE:
        return None
    return PlainPage(values.get(PAGE_PARAM, 1), size)


def may_view(token: KnownToken, version: int, model: type[Model]) -> bool | None:
    """DRF's ``ModelPermissions`` for a read of ``model``: True, False, or None when not known here.

    A superuser may (as ``User.has_perms`` says for an active one). Otherwise the user's
    permission set must be in the cache at this version (``core.permissions``): it is put
    there by the first request DRF checks at this version, so None sends this one to DRF.
    """
    if token.is_superuser:
        return True
    permissions = versions.cache_get(
        permissions_key(connection.settings_dict["NAME"], version, token.user_pk, token.date_joined, False)
    )
    if permissions is None:
        return None
    return f"{model._meta.app_label}.view_{model._meta.model_name}" in permissions


def throttled(view: Any, request: HttpRequest, token: KnownToken) -> bool:
    """Whether one of the view's throttles refuses this request (DRF's own classes, counting it).

    A refusal is left to DRF, which counts the request once more and answers the 429.
    """
    user = SimpleNamespace(is_authenticated=True, pk=token.user_pk)
    shim = SimpleNamespace(user=user, META=request.META, _request=request)
    return any(not throttle().allow_request(shim, None) for throttle in view.throttle_classes)


@dataclass(frozen=True)
class CompiledList:
    """A ``values()`` query as SQL, its count without the order, and the ORM's converters for its columns."""

    sql: str
    params: tuple[Any, ...]
    count_sql: str
    count_params: tuple[Any, ...]
    compiler: SQLCompiler

    def rows(self, fetched: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Raw rows as ``values()`` would give them: each column through its field's ``from_db_value``."""
        converted: Any = self.compiler.results_iter(results=[cast(Any, fetched)])
        return list(converted)


#: Compiled list queries: (view, database, user, version) → the query. Cleared when full.
_compiled: dict[tuple[Any, ...], CompiledList] = {}
_users: dict[tuple[int, int], User] = {}
_lock = threading.Lock()
COMPILED_MAX = 256


def user_at(token: KnownToken, version: int) -> User | None:
    """The token's user as of ``version`` (one query per user and version in this process)."""
    key = (token.user_pk, version)
    user = _users.get(key)
    if user is None:
        user = User.objects.filter(pk=token.user_pk, is_active=True).first()
        if user is None:
            return None
        with _lock:
            if len(_users) >= COMPILED_MAX:
                _users.clear()
            _users[key] = user
    return user


def compiled(
    name: Any,
    user: User,
    version: int,
    build: Callable[[User], QuerySet],
    count: Callable[[User], QuerySet] | None = None,
) -> CompiledList:
    """The SQL of ``build(user)``, made by the ORM once per ``name`` (a view, a query of it), user and data version.

    The query depends on who asks (``core.scoping.visible_to``) and on nothing else that can
    change without a version bump, so it is compiled once and reused; the rows are read
    afresh on every request. ``count(user)``, when given, is the same list without the
    columns' joins (the selector itself, unordered), which is cheaper to count.
    """
    key = (name, connection.settings_dict["NAME"], user.pk, version)
    entry = _compiled.get(key)
    if entry is None:
        queryset = build(user)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        counted = (count or build)(user).order_by().values("pk")
        count_sql, count_params = counted.query.sql_with_params()
        entry = CompiledList(sql, tuple(params), count_sql, tuple(count_params), compiler)
        with _lock:
            if len(_compiled) >= COMPILED_MAX:
                _compiled.clear()
            _compiled[key] = entry
    return entry


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


class _PreparedCursor(psycopg.Cursor):
    """A server-side binding cursor whose statements are prepared (psycopg keeps them per connection)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def fetch(sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement: (column names, rows); prepared when the connection outlives the request.

    Django's cursors bind parameters on the client, so PostgreSQL parses and plans every
    statement afresh. The same few statements run here on every cold request, so with
    persistent connections (``CONN_MAX_AGE``, as a gunicorn deployment should run) they are
    server-side prepared once per connection; with a connection per request, preparing
    would only add a round trip. The cursor is wrapped as Django wraps its own, so the
    statements are logged and counted like any other (``connection.queries``,
    ``CaptureQueriesContext``, execute wrappers). Not for a pooler in transaction mode
    (PgBouncer before 1.21 loses prepared statements): set ``CONN_MAX_AGE=0`` there.
    """
    connection.ensure_connection()
    raw_connection = connection.connection
    persistent = connection.settings_dict.get("CONN_MAX_AGE") != 0
    if persistent and raw_connection.prepare_threshold is None:
        # Django opens its connections with ``prepare_threshold=None``, with which psycopg
        # prepares nothing, not even on ``prepare=True``. A threshold no statement reaches
        # lets ``prepare=True`` work and still prepares nothing on its own (Django's own
        # cursors bind on the client and never prepare anyway).
        raw_connection.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    raw: Any = _PreparedCursor(raw_connection) if persistent else psycopg.Cursor(raw_connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return [column.name for column in cursor.description or ()], cursor.fetchall()


def paged(query: CompiledList, page: PlainPage) -> tuple[list[dict[str, Any]], int] | None:
    """The page's rows of an ordered query (as dicts by column name) and the total count, in one statement.

    The count is an uncorrelated subquery (run once, without the order), so the page is a
    top-N sort of the list. An empty page past the first gives no count (and would be
    DRF's 400): it answers None.
    """
    names, fetched = fetch(
        f"SELECT listed.*, (SELECT count(*) FROM ({query.count_sql}) counted) "
        f"FROM ({query.sql}) listed LIMIT %s OFFSET %s",
        (*query.count_params, *query.params, page.size, page.offset),
    )
    if not fetched:
        return ([], 0) if page.number == 1 else None
    total = fetched[0][-1]
    if page.number > max(1, math.ceil(total / page.size)):
        return None
    rows = query.rows([row[:-1] for row in fetched])
    return [dict(zip(names[:-1], row, strict=True)) for row in rows], total


def rows_where(query: CompiledList, condition: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``query`` that meet ``condition`` (SQL on its columns as ``listed.<name>``), converted.

    PostgreSQL pushes the condition into the query, so a query compiled for every row the
    user may see costs only the rows asked for.
    """
    _, fetched = fetch(f"SELECT * FROM ({query.sql}) listed WHERE {condition}", (*query.params, *params))
    return query.rows(fetched)


def fetch_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement (prepared, as :func:`paged`)."""
    return fetch(sql, params)[1]


def page_body(request: HttpRequest, page: PlainPage, total: int, results: list[Any]) -> dict[str, Any]:
    """``{count, next, previous, results}`` with the links ``PageNumberPagination`` would give."""
    pages = max(1, math.ceil(total / page.size))
    url = request.build_absolute_uri()
    following = replace_query_param(url, PAGE_PARAM, page.number + 1) if page.number < pages else None
    if page.number == 1:
        preceding = None
    elif page.number == 2:
        preceding = remove_query_param(url, PAGE_PARAM)
    else:
        preceding = replace_query_param(url, PAGE_PARAM, page.number - 1)
    return {"count": total, "next": following, "previous": preceding, "results": results}
