"""The engine's fast paths: cleaning columns with memos, content and source digests, JSON for
``extra`` and batched inserts of facts.

The engine decides *what* to write (engine.py); this module writes it without building a Django
model instance per row: a fact becomes one tuple of database values, prepared the way
``bulk_create`` prepares them (each field's ``get_db_prep_save``, with the same backend
adapters called directly for the common exact types), and a batch goes to the database in one
``executemany`` on the connection of the import's transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import operator
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import django
import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from p3dn.imports.datasets.base import CleanError, is_personal, text

# Values that ``_plain`` returns as they are.
NATIVE = frozenset({str, int, bool, float})


def plain(value: Any) -> Any:
    """A file value as JSON can hold it."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------ rows


SHOWN = 200  # characters of a rejected value kept with its error


def shown(value: Any) -> str:
    """A file value as an error list shows it: text (JSON for a nested object or list), cut
    to SHOWN characters with an ellipsis."""
    if isinstance(value, dict | list | tuple):
        try:
            value = orjson.dumps(plain(value), default=str).decode()
        except (TypeError, orjson.JSONEncodeError):
            value = repr(value)
    return cut(text(value))


def cut(value: str) -> str:
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


@dataclass
class RowError:
    row: int
    field: str
    value: str
    reason: str

    def __post_init__(self) -> None:  # an error keeps a value's start, never all of it
        if len(self.value) > SHOWN:
            self.value = cut(self.value)


MISSING = object()
_NESTED = (dict, list, tuple)  # (a tuple: isinstance is quicker with it than with a union)
MEMO_SIZE = 4096  # cleaned values remembered per column and type
# Only short texts are remembered: codes, statuses, dates and names repeat, long texts hardly
# do, and 4096 texts of the text limit would take hundreds of MB.
MEMO_LENGTH = 256
_MEMO_TYPES = (str, int, bool, type(None))


def first(raw: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    """The first of ``names`` the row has, with its value (the first name and None if none)."""
    for name in names:
        if name in raw:
            return name, raw[name]
    return names[0] if names else "", None


class ColumnPlan(NamedTuple):
    """How one column is read: its cleaner and checks (`limit`: characters of a text value;
    `check`: the reason a clean value does not fit its column, see `field_check`), and memos
    of the cleaned value of each string, integer, boolean or null seen (cleaners are pure
    functions of one value, so codes, statuses, dates and flags that repeat are cleaned
    once)."""

    target: str
    sources: tuple[str, ...]
    clean: Callable[[Any], Any]
    required: bool
    limit: int | None
    memos: dict[type, dict[Any, Any]]
    check: Callable[[Any], str | None] | None = None


def new_memos() -> dict[type, dict[Any, Any]]:
    return {kind: {} for kind in _MEMO_TYPES}


def _clean_one(
    plan: ColumnPlan, value: Any, source: str, row: int, problems: list[RowError]
) -> Any:
    """One value that its column's memo does not hold: cleaned and checked; remembered when
    it passes. A value that cannot be cleaned gives None and its problem."""
    if isinstance(value, _NESTED):  # every column holds one value
        reason = (
            _("an object with fields of its own where one value was expected")
            if isinstance(value, dict)
            else _("a list where one value was expected")
        )
        problems.append(RowError(row, source, shown(value), reason))
        return None
    try:
        cleaned = plan.clean(value)
    except CleanError as exc:
        problems.append(RowError(row, source, shown(value), str(exc)))
        return None
    fine = True
    if plan.required and cleaned in (None, ""):
        problems.append(RowError(row, source, "", _("missing")))
        fine = False
    limit = plan.limit
    if limit and isinstance(cleaned, str) and len(cleaned) > limit:
        problems.append(RowError(row, source, cut(cleaned), _(
            "too long: %(n)s characters, at most %(limit)s")
            % {"n": len(cleaned), "limit": limit}))
        fine = False
    if plan.check is not None and cleaned is not None:
        unfit = plan.check(cleaned)
        if unfit:
            problems.append(RowError(row, source, shown(value), unfit))
            fine = False
    memo = plan.memos.get(type(value))  # by type: 1, True and "1" clean differently
    if (
        fine and memo is not None and len(memo) < MEMO_SIZE
        and (type(value) is not str or len(value) <= MEMO_LENGTH)
    ):
        memo[value] = cleaned
    return cleaned


def field_check(field: models.Field) -> Callable[[Any], str | None] | None:
    """The check that a clean value fits the database column of ``field``, the same on every
    database (PostgreSQL's ranges, which SQLite would not enforce): a number within the
    integer column's range, a decimal with no more digits before and after the point than
    the column keeps. None for other fields (text lengths are ColumnPlan.limit)."""
    kind = field.get_internal_type()
    if isinstance(field, models.DecimalField):
        places = field.decimal_places or 0
        whole = (field.max_digits or 0) - places

        quantum = Decimal(1).scaleb(-places)

        def check_decimal(value: Any) -> str | None:
            if not isinstance(value, Decimal):
                return None
            if value and value.adjusted() >= whole:
                return _("out of range: at most %(digits)s digits before the decimal point") % {
                    "digits": whole}
            if value.quantize(quantum) != value:  # within the range: quantize can hold it
                return _("more than %(places)s decimals: the value would have to be rounded") % {
                    "places": places}
            return None

        return check_decimal
    if kind in BaseDatabaseOperations.integer_field_ranges:
        low, high = BaseDatabaseOperations.integer_field_ranges[kind]

        def check_integer(value: Any) -> str | None:
            if type(value) is int and not low <= value <= high:
                return _("out of range: a whole number from %(low)s to %(high)s") % {
                    "low": f"{low:,}", "high": f"{high:,}"}
            return None

        return check_integer
    return None


RowCleaner = Callable[[int, Mapping[str, Any], list[RowError]], dict[str, Any]]


def row_cleaner(plans: list[ColumnPlan]) -> RowCleaner:
    """A function ``(row, raw, problems) → values`` that cleans a row's columns by ``plans``;
    each problem is added to ``problems`` (and the row is then not used, whatever its values).

    It is written out for the plans, column by column, as ``namedtuple`` and ``dataclass``
    write their methods: a memo hit costs a lookup or two and no call, which matters at a
    million rows with twenty columns. Only names from the dataset declarations go into the
    code, as literals (``repr``); a value the memos do not hold goes to ``_clean_one``.
    """
    namespace: dict[str, Any] = {"MISSING": MISSING, "first": first, "str_": str}
    code = ["def clean_row(row, raw, problems):", "    get = raw.get"]
    results = []
    for index, plan in enumerate(plans):
        namespace[f"slow{index}"] = functools.partial(_clean_one, plan)
        namespace[f"memos{index}"] = plan.memos
        namespace[f"strings{index}"] = plan.memos[str]
        if len(plan.sources) == 1:
            source = repr(plan.sources[0])
            code.append(f"    value = get({source})")
        else:
            namespace[f"sources{index}"] = plan.sources
            source = "source"
            code.append(f"    source, value = first(raw, sources{index})")
        code += [
            "    if type(value) is str_:",
            f"        c{index} = strings{index}.get(value, MISSING)",
            "    else:",
            f"        memo = memos{index}.get(type(value))",
            f"        c{index} = MISSING if memo is None else memo.get(value, MISSING)",
            f"    if c{index} is MISSING:",
            f"        c{index} = slow{index}(value, {source}, row, problems)",
        ]
        results.append(f"{plan.target!r}: c{index}")
    code.append("    return {" + ", ".join(results) + "}")
    exec("\n".join(code), namespace)  # noqa: S102 - our own declarations, see above
    clean_row: RowCleaner = namespace["clean_row"]
    return clean_row


class ExtraFields:
    """A row's other fields, kept in ``extra``: not personal, not a column or the scope
    (``skip``), not starting with "_", not empty; in the row's order, as JSON can hold them.
    Which names are kept is worked out once for each sequence of field names (the rows of a
    file share one), and the values are then taken from each row by one getter."""

    def __init__(self, skip: frozenset[str] | set[str]) -> None:
        self.skip = skip
        self._names: tuple[str, ...] | None = None
        self._kept: tuple[str, ...] = ()
        self._get: Callable[[Mapping[str, Any]], Any] = lambda raw: ()

    def __call__(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        names = tuple(raw)
        if names != self._names:
            self._learn(names)
        values = self._get(raw)
        extra = {
            k: v for k, v in zip(self._kept, values, strict=True) if v is not None and v != ""
        }
        if not NATIVE.issuperset(map(type, extra.values())):
            extra = {k: v if type(v) in NATIVE else plain(v) for k, v in extra.items()}
        return extra

    def _learn(self, names: tuple[str, ...]) -> None:
        skip = self.skip
        self._names = names
        self._kept = tuple(
            k for k in names if k not in skip and not k.startswith("_") and not is_personal(k)
        )
        if len(self._kept) > 1:
            self._get = operator.itemgetter(*self._kept)
        elif self._kept:
            only = self._kept[0]
            self._get = lambda raw: (raw[only],)
        else:
            self._get = lambda raw: ()


# ------------------------------------------------------------------ digests


def legacy_digest(values: Mapping[str, Any], extra: Mapping[str, Any]) -> str:
    """The content hash of the first engine (32 hex digits of the ``repr`` of the sorted
    items), still recognised so that facts it stored are found unchanged."""
    text = repr((sorted(values.items()), sorted(extra.items())))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _hash(data: Any) -> str:
    """16 hex digits (64 bits) of ``data`` as orjson writes it."""
    try:
        text = orjson.dumps(data, default=repr, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        text = repr(data).encode()
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def sized_digest(values: Mapping[str, Any], extra: Mapping[str, Any]) -> tuple[str, int]:
    """``digest`` and the length of what it hashed: no text value in ``values`` or ``extra``
    is longer than that, so a row whose length is within the text limit needs no look at
    its values one by one."""
    data = (sorted(values.items()), sorted(extra.items()))
    try:
        text = orjson.dumps(data, default=repr, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        text = repr(data).encode()
    return hashlib.blake2b(text, digest_size=8).hexdigest(), len(text)


def digest(values: Mapping[str, Any], extra: Mapping[str, Any]) -> str:
    """The content hash of a fact (16 hex digits): its cleaned values and its ``extra``, both
    sorted by name.

    orjson writes the sorted items; Decimals, dates and datetimes are written as their
    ``repr`` (type and exact digits, as the first engine's hash did), so two contents differ
    here exactly when their ``repr`` does. What orjson refuses (integers beyond 64 bits, lone
    surrogates) is hashed through ``repr`` instead.
    """
    return _hash((sorted(values.items()), sorted(extra.items())))


def source_digest(code: str, context: Any, fields: list[Any], extra: Mapping[str, Any]) -> str:
    """The hash of what a row's content is made from (16 hex digits): the cleaning code, the
    row's scope and unit, the raw values of the dataset's columns and its ``extra``."""
    return _hash((code, context, fields, extra))


class LineDigests:
    """Source hashes of rows read from lines (JSON lines): of the cleaning code, the row's
    scope and unit, and the line's bytes as read. A line that changes in any way (even only
    its spacing or the order of its fields) no longer matches, and the row is then compared
    by its content, as any other row is."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._bases: dict[Any, Any] = {}  # (scope, unit) → the hash of what precedes the line

    def digest(self, context: Any, line: bytes) -> str:
        base = self._bases.get(context)
        if base is None:
            base = hashlib.blake2b(f"line|{self.code}|{context!r}|".encode(), digest_size=8)
            self._bases[context] = base
        hashed = base.copy()
        hashed.update(line)
        return hashed.hexdigest()


@functools.cache
def code_version() -> str:
    """A fingerprint of the code that turns a raw row into a fact's content: the readers (a
    line's source hash is of its bytes), the dataset declarations and their cleaners, the
    engine, the fact models, Python, Django and orjson. A stored source hash is trusted only
    under the same code."""
    here = Path(__file__).resolve().parent
    readers = here.parent / "lib" / "readers"
    files = [*sorted(readers.glob("*.py")), *sorted((here / "datasets").glob("*.py")),
             here / "engine.py", here / "writer.py", here.parent / "procurement" / "models.py"]
    versions = f"{sys.version}|{django.__version__}|{orjson.__version__}"
    fingerprint = hashlib.blake2b(versions.encode(), digest_size=8)
    for path in files:
        try:
            fingerprint.update(path.read_bytes())
        except OSError:  # no source to read: trust no stored source hash
            fingerprint.update(os.urandom(16))
    return fingerprint.hexdigest()


def json_text(value: Any) -> str:
    """``extra`` as stored on SQLite: the same JSON as DjangoJSONEncoder's, written by orjson
    (compact, UTF-8 rather than \\u escapes); json.dumps for what orjson refuses."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, cls=DjangoJSONEncoder)


# ------------------------------------------------------------------ inserts

BULK_CACHE_KIB = 32768


@contextlib.contextmanager
def bulk_load(using: str = "default") -> Iterator[None]:
    """A larger SQLite page cache while a file loads (32 MiB instead of 2), so that index
    pages stay in memory; journal and synchronous settings are left as they are, so the file
    stays all or nothing and a killed process leaves the database unchanged."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:  # after the transaction; never in the way of what ended it
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")

Prepare = Callable[[Any], Any]


def _preparer(
    field: models.Field, connection: Any
) -> tuple[type | None, Prepare | None, Prepare]:
    """(the exact type whose values need only a backend adapter, that adapter or None when the
    value is stored as it is, the field's full preparation)."""
    full: Prepare = lambda value: field.get_db_prep_save(value, connection)  # noqa: E731
    base = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = base.get_internal_type()
    ops = connection.ops
    if kind in ("CharField", "TextField"):
        return str, None, full
    if kind == "BooleanField":
        return bool, None, full
    if kind.endswith(("IntegerField", "AutoField")) and (
        type(ops).adapt_integerfield_value is BaseDatabaseOperations.adapt_integerfield_value
    ):  # PostgreSQL wraps integers in typed adapters: the full path there
        return int, None, full
    if kind == "DateField":  # the base adapter (SQLite's) is ``str``, for a date its ISO form
        plain_date = type(ops).adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value
        return dt.date, str if plain_date else ops.adapt_datefield_value, full
    if kind == "DecimalField" and connection.vendor == "sqlite":
        return Decimal, _decimal_text(full), full
    if kind == "JSONField" and connection.vendor == "sqlite":
        return dict, json_text, full
    return None, None, full


def _decimal_text(full: Prepare) -> Prepare:
    """A Decimal as SQLite is given it: Django passes the Decimal, which the sqlite3 adapter
    Django registers turns into ``str(value)``; a value that is not finite takes the full path
    (and its error)."""

    def prepare(value: Decimal) -> Any:
        return str(value) if value.is_finite() else full(value)

    return prepare


class Inserter:
    """Inserts facts of one model in batches, as ``bulk_create`` would store them."""

    def __init__(self, model: type[models.Model], using: str = "default") -> None:
        self.connection = connections[using]
        quote = self.connection.ops.quote_name
        self.fields = [
            f for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self._by_name = {f.name: f for f in self.fields} | {f.attname: f for f in self.fields}
        self._get = operator.itemgetter(*(f.attname for f in self.fields))
        self._preparers = [_preparer(f, self.connection) for f in self.fields]
        # the conversions a row needs, by the types of its values (rows of a file look alike)
        self._work: dict[tuple[type, ...], list[tuple[int, Prepare]]] = {}
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = quote(model._meta.db_table)  # names from the model, quoted; values bound
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The database values of one fact; ``values`` by field name or attname, like a
        model's constructor (a name the model does not have is an error, as there)."""
        try:
            found = self._get(values) if len(values) == len(self.fields) else None
        except KeyError:
            found = None
        if found is None:
            found = self._get(self._complete(values))
        kinds = tuple(map(type, found))
        work = self._work.get(kinds)
        if work is None:
            work = self._work[kinds] = self._conversions(kinds)
        if not work:
            return found
        out = list(found)
        for index, prepare in work:
            out[index] = prepare(out[index])
        return tuple(out)

    def _complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values by attname, with each field's default for what is not given."""
        unknown = sorted(set(values) - self._by_name.keys())
        if unknown:
            raise TypeError(f"unexpected field name(s) {', '.join(unknown)}")
        complete = {}
        for name, value in values.items():
            field = self._by_name[name]
            if field.is_relation and name == field.name and value is not None:
                value = value.pk
            complete[field.attname] = value
        for field in self.fields:
            if field.attname not in complete:
                complete[field.attname] = field.get_default()
        return complete

    def _conversions(self, kinds: tuple[type, ...]) -> list[tuple[int, Prepare]]:
        work = []
        for index, (kind, (fast_type, fast, full)) in enumerate(
            zip(kinds, self._preparers, strict=True)
        ):
            if kind is type(None):
                continue  # NULL for every field
            if kind is fast_type:
                if fast is not None:
                    work.append((index, fast))
            else:
                work.append((index, full))
        return work

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        batch = list(rows)
        if batch:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, batch)


class Restamper:
    """Sets the stored hash of current versions in place, by natural key: for facts found
    unchanged by their content whose stored hash was made under other code (or by the first
    engine), so that the next import finds them unchanged by their source again. Their
    content, and so their version, is the same."""

    def __init__(self, model: type[models.Model], key_fields: tuple[str, ...],
                 using: str = "default") -> None:
        self.connection = connections[using]
        quote = self.connection.ops.quote_name
        fields = {f.name: f for f in model._meta.concrete_fields}
        self.key_fields = [fields[name] for name in key_fields]
        where = " AND ".join(f"{quote(f.column)} = %s" for f in self.key_fields)
        table = quote(model._meta.db_table)
        stamp, valid_to = quote(fields["row_hash"].column), quote(fields["valid_to"].column)
        # names from the model, quoted; values bound
        self.sql = (
            f"UPDATE {table} SET {stamp} = %s WHERE {where} AND {valid_to} IS NULL"  # noqa: S608
        )

    def write(self, stamps: Iterable[tuple[str, Any]]) -> None:
        """``stamps``: (the new hash, the natural key: its value, or a tuple of them)."""
        single = len(self.key_fields) == 1
        batch = [
            (stamp, *(
                field.get_db_prep_value(value, self.connection)
                for field, value in zip(self.key_fields, (key,) if single else key, strict=True)
            ))
            for stamp, key in stamps
        ]
        if batch:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, batch)
