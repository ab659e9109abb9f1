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

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import psycopg
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest, QueryDict
from rest_framework.permissions import IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core import versions
from core.api.authentication import KnownToken
from core.api.pagination import MAX_PAGE_SIZE
from core.api.permissions import ModelPermissions

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


def imitates(view: Any) -> bool:
    """Whether this module answers for ``view`` as DRF would: it has ``cold_page``, and the
    authentication, permissions and pagination this module imitates are the view's own.

    A view that changes any of them (another permission class, another pagination) is left
    to DRF, whatever ``cold_page`` says. PostgreSQL only: the statements are its dialect.
    """
    from core.api.authentication import ExpiringTokenAuthentication
    from core.api.pagination import StandardPagination

    return (
        callable(getattr(view, "cold_page", None))
        and connection.vendor == "postgresql"
        and list(view.permission_classes) == list(api_settings.DEFAULT_PERMISSION_CLASSES)
        and list(api_settings.DEFAULT_PERMISSION_CLASSES) == [IsAuthenticated, ModelPermissions]
        and view.pagination_class is StandardPagination
        and ExpiringTokenAuthentication in view.authentication_classes
    )


def vouch(view: Any, request: HttpRequest, token: KnownToken, version: int) -> User | None:
    """The token's user if DRF would let this read through, else None (DRF then answers, 403 or 429).

    The checks are DRF's own, before anything is rendered: ``IsAuthenticated`` and
    ``ModelPermissions`` (``view_<model>`` through ``User.has_perms``, whose permission set
    ``core.permissions`` caches per data version) and the view's throttle classes, run with the
    user and the view. A request refused by a throttle is not recorded by it, so DRF counts it
    once; one let through and then handed to the view anyway is marked
    (``conditional.mark_counted``), so the view does not count it again.
    """
    user = user_at(token, version)
    if user is None:
        return None
    model = view.queryset.model
    if not user.has_perms([f"{model._meta.app_label}.view_{model._meta.model_name}"]):
        return None
    shim = SimpleNamespace(user=user, META=request.META, _request=request)
    instance = view()
    if not all(throttle().allow_request(shim, instance) for throttle in view.throttle_classes):
        return None
    return user


@dataclass(frozen=True)
class CompiledList:
    """A ``values()`` query as SQL, its count without the order, and the ORM's converters for its columns."""

    sql: str
    params: tuple[Any, ...]
    count_sql: str
    count_params: tuple[Any, ...]
    compiler: SQLCompiler

    @functools.cached_property
    def converters(self) -> dict[int, Any] | None:
        """The ORM's converters of the columns (``from_db_value`` and the backend's), worked out
        once; None for a query with composite fields, left to ``results_iter`` whole."""
        compiler = self.compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)

    def rows(self, fetched: list[tuple[Any, ...]]) -> list[Any]:
        """Raw rows as ``values()`` would give them: each column through its field's ``from_db_value``.

        As ``SQLCompiler.results_iter`` converts them, less its working out of the converters
        on every call.
        """
        converters = self.converters
        if converters is None:
            return list(self.compiler.results_iter(results=[cast(Any, fetched)]))
        if not converters:
            return fetched
        return list(self.compiler.apply_converters(fetched, converters))


#: Compiled list queries: (name, database, user, version) → the query.
_compiled = versions.ProcessMemo(entries=256)
#: Users as of a data version: (database, user, version) → the user (its permissions cached on it).
_users = versions.ProcessMemo(entries=256)


def remember_user(user: User, version: int) -> None:
    """``user`` as read at ``version`` (with its token: ``core.api.authentication.authenticate_known``)."""
    user._data_version = version  # type: ignore[attr-defined]  # read by versions.current_for
    _users.put((connection.settings_dict["NAME"], user.pk, version), user)


def user_at(token: KnownToken, version: int) -> User | None:
    """The token's user as of ``version`` (one query per user and version in this process)."""
    user = _users.get((connection.settings_dict["NAME"], token.user_pk, version))
    if user is None:
        user = User.objects.filter(pk=token.user_pk, is_active=True).first()
        if user is None:
            return None
        remember_user(user, version)
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
        _compiled.put(key, entry)
    return entry


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


class _PreparedCursor(psycopg.Cursor):
    """A server-side binding cursor whose statements are prepared (psycopg keeps them per connection)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def fetch(
    sql: str, params: Sequence[Any], *, binary: bool = False, names: bool = True
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement: (column names, rows); prepared when the connection outlives the request.

    Django's cursors bind parameters on the client, so PostgreSQL parses and plans every
    statement afresh. The same few statements run here on every cold request, so with
    ``DB_PREPARED_STATEMENTS`` on and persistent connections (``CONN_MAX_AGE``, as a gunicorn
    deployment should run) they are server-side prepared once per connection; with a
    connection per request, preparing would only add a round trip. Off by default: a pooler
    in transaction mode (PgBouncer before 1.21) loses prepared statements. The cursor is
    wrapped as Django wraps its own, so the statements are logged and counted like any
    other (``connection.queries``, ``CaptureQueriesContext``, execute wrappers).

    ``binary`` asks for the rows in PostgreSQL's binary format: the same Python values
    (psycopg's loaders give the same types either way), decoded without parsing text —
    a ``float8`` costs a fifth of its text form — though a ``numeric`` costs more.
    Without ``names`` the names are not read (psycopg builds a ``Column`` for each).
    """
    # The wrapper ``connection`` stands for, looked up once: each attribute read through the
    # proxy is a thread-local (asgiref) lookup, a dozen a statement.
    db = connections[DEFAULT_DB_ALIAS]
    db.validate_thread_sharing()
    db.close_if_health_check_failed()  # as Django's own cursor() does first
    db.ensure_connection()
    raw_connection = db.connection
    persistent = db.settings_dict.get("CONN_MAX_AGE") != 0
    prepare = persistent and getattr(settings, "DB_PREPARED_STATEMENTS", False)
    if prepare and raw_connection.prepare_threshold is None:
        # Django opens its connections with ``prepare_threshold=None``, with which psycopg
        # prepares nothing, not even on ``prepare=True``. A threshold no statement reaches
        # lets ``prepare=True`` work and still prepares nothing on its own (Django's own
        # cursors bind on the client and never prepare anyway).
        raw_connection.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    raw: Any = _PreparedCursor(raw_connection) if prepare else psycopg.Cursor(raw_connection)
    if binary:
        raw.format = psycopg.pq.Format.BINARY  # Django's cursor wrapper passes no ``binary`` through
    cursor = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return [column.name for column in cursor.description or ()] if names else [], rows


def paged(query: CompiledList, page: PlainPage) -> tuple[list[dict[str, Any]], int] | None:
    """The page's rows of an ordered query (as dicts by column name) and the total count, in one statement.

    ``LIMIT`` and ``OFFSET`` follow the list's own ``ORDER BY`` (a top-N sort); the count is
    an uncorrelated subquery (run once, without the order). An empty page past the first
    gives no count (and would be DRF's 400): it answers None.
    """
    names, fetched = fetch(
        f"SELECT listed.*, (SELECT count(*) FROM ({query.count_sql}) counted) "
        f"FROM ({query.sql} LIMIT %s OFFSET %s) listed",
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
    _, fetched = fetch(f"SELECT * FROM ({query.sql}) listed WHERE {condition}", (*query.params, *params), names=False)
    return query.rows(fetched)


def fetch_rows(sql: str, params: Sequence[Any], *, binary: bool = False) -> list[tuple[Any, ...]]:
    """The rows of a statement (prepared, as :func:`paged`; in binary format if asked, as :func:`fetch`)."""
    return fetch(sql, params, binary=binary, names=False)[1]


def array_literal(values: Iterable[int | dt.date]) -> str:
    """An array parameter as PostgreSQL's literal (``{1,2,3}``, ``{2026-01-01,…}``), cast in the SQL (``%s::bigint[]``).

    psycopg dumps a list parameter in Python, one element at a time (for three arrays of
    50, about a quarter of the results statement's client time); integers and ISO dates
    need no quoting, so the literal is one ``join``.
    """
    return "{" + ",".join(map(str, values)) + "}"  # str() of a date is its ISO form


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
