"""The import engine: one file → one dataset's facts, all or nothing.

``process_file`` reads the file as a stream, cleans every row, compares it with what the
database holds and writes inserts and new versions in batches, all inside one transaction. Any
rejected row (unless the user chose to apply the valid rows), a dry run, a refusal or a crash
rolls the whole file back: the database is exactly as before. A row is identified by its
natural key; its content by a hash, so an unchanged row costs its cleaning and one dictionary
lookup. Rows are written as prepared tuples in batches (writer.py), not as model instances.

Each file is a snapshot of the Pemda and year it covers: a current fact of that Pemda, year
and dataset that the file no longer lists is closed (it was removed at the source), unless that
would close so many that the file is likely partial: then it stops and asks (closing.py). One
import at a time writes the facts of a Pemda-year and dataset (locks.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts import services as accounts_services
from p3dn.accounts.models import Pemda, Unit
from p3dn.accounts.unit_codes import is_budget_code
from p3dn.audit.services import log as log_change
from p3dn.imports import closing, datasets, locks
from p3dn.imports.datasets.base import Dataset, text
from p3dn.imports.models import ImportRowError, ImportRun
from p3dn.imports.refusals import refusal_text
from p3dn.imports.writer import (
    MEMO_LENGTH,
    MEMO_SIZE,
    ColumnPlan,
    ExtraFields,
    Inserter,
    LineDigests,
    Restamper,
    RowError,
    bulk_load,
    code_version,
    field_check,
    first,
    json_text,
    legacy_digest,
    new_memos,
    row_cleaner,
    shown,
    sized_digest,
    source_digest,
)
from p3dn.lib.readers import Limits, RawRow, UnreadableFile, open_rows
from p3dn.procurement import rollups
from p3dn.procurement import services as procurement_services
from p3dn.procurement.models import IndicatorRollup, Sighting

log = logging.getLogger(__name__)

BATCH = 5000
PENDING_SIZE = 32 * 1_048_576  # a batch of long rows is written before it holds more
MAX_STORED_ERRORS = 10000
_SCALAR = frozenset({str, int})


class Refused(ValueError):
    """The file is not what it claims (not data, another dataset, nothing in it)."""


class _Rollback(Exception):
    """Raised inside the transaction to undo everything the file wrote."""


class _Hold(_Rollback):
    """The file would close too many facts: undone, to be confirmed (closing.py)."""


@dataclass
class Counts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicate: int = 0
    removed: int = 0
    empty: int = 0


@dataclass
class Progress:
    rows: int
    seconds: float
    fraction: float | None


@dataclass
class Writer:
    """Turns cleaned rows into inserts and version changes for one run."""

    run: ImportRun
    dataset: Dataset
    allowed_pemda: set[int] | None = None
    counts: Counts = field(default_factory=Counts)
    errors: list[RowError] = field(default_factory=list)
    pemda_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    latest_event: dt.date | None = None
    # The units this run created and changed: audited once, when the run is applied.
    units_created: list[Unit] = field(default_factory=list)
    units_updated: list[tuple[Unit, dict[str, list[Any]]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.model = self.dataset.model
        self.key_fields = self.model.natural_key if self.model else ()
        # The longest text a value kept in `extra` or a text field may have (characters).
        self.text_limit = settings.P3DN_IMPORT_MAX_TEXT_LENGTH
        fields = {
            f.name: f
            for f in (self.model or Unit)._meta.concrete_fields  # RUP-MasterSatker: units
        }
        self.max_lengths: dict[str, int] = {
            name: f.max_length or self.text_limit
            if isinstance(f, models.CharField) else self.text_limit
            for name, f in fields.items()
            if isinstance(f, models.CharField | models.TextField)
        }
        checks = {name: field_check(f) for name, f in fields.items()}
        targets = {c.target for c in self.dataset.columns}
        # Text fields a `derive` fills: their lengths are checked after it.
        self._derived_lengths = [
            (name, limit)
            for name, limit in self.max_lengths.items()
            if self.model is not None and self.dataset.derive is not None
            and name not in targets and name not in self.dataset.fixed
            and name not in ("row_hash", "kd_satker")
        ]
        self.skip = (
            self.dataset.used_sources
            | self.dataset.drop
            | set(self.dataset.klpd_sources)
            | set(self.dataset.year_sources)
        )
        self._plans = [
            ColumnPlan(
                c.target,
                c.sources,
                c.clean,
                c.required,
                self.max_lengths.get(c.target),
                new_memos(),
                checks.get(c.target),
            )
            for c in self.dataset.columns
        ]
        self._clean = row_cleaner(self._plans)
        self._sources = {c.target: c.sources[0] for c in self.dataset.columns}
        self._extra = ExtraFields(self.skip)  # the fields kept in ``extra``
        self._scopes: dict[tuple[Any, ...], tuple[int | None, int | None]] = {}
        self._events: dict[str, dt.date | None] = {}
        self._pemda_by_klpd: dict[str, int | None] = {}
        self._units: dict[int, tuple[dict[str, int], dict[str, int]]] = {}
        # key → content digest of the row this file keeps for the key
        self._seen: dict[Any, str] = {}
        self._written: set[Any] = set()  # keys whose kept row this run writes
        # scope → key → stored hash of the current version (closed by key: one current each)
        self._existing: dict[tuple[int, int] | None, dict[Any, str]] = {}
        # The scopes met so far hold no current fact (a first import): no row can be found
        # unchanged by its source, so none is looked for.
        self._nothing_stored = False
        self._pending: dict[Any, tuple[Any, ...]] = {}  # rows to insert at the next flush
        self._pending_size = 0  # their content's length: long rows are flushed sooner
        self._close: list[Any] = []  # keys whose current version this run closes
        self._kept: set[Any] = set()  # keys of rejected rows: their current version stays
        self._locked: set[Any] = set()  # the scopes this run holds the lock of (locks.py)
        self._delete: list[Any] = []  # keys whose inserted row a later copy in the file replaced
        # (hash, key) of stored current versions found unchanged by content under another hash
        self._restamp: list[tuple[str, Any]] = []
        self._insert = Inserter(self.model) if self.model else None
        self._restamper = Restamper(self.model, self.key_fields) if self.model else None
        # A row made of the same raw values, in the same scope and unit, under the same code as
        # the stored version is that version: found unchanged without being cleaned again.
        # Only where the key is made of columns and nothing else reads the row (derive) or
        # the database (check).
        by_column = {c.target for c in self.dataset.columns} | set(self.dataset.fixed)
        self._quick = bool(
            self.model
            and not self.dataset.derive
            and not self.dataset.check
            and set(self.key_fields) <= by_column | {"pemda", "tahun_anggaran"}
        )
        self._clean_key = row_cleaner(
            [p for p in self._plans if p.target in self.key_fields or p.target == "kd_satker"]
        )
        self._code = f"{code_version()}:{self.dataset.name}"
        self._lines = LineDigests(self._code)

    # -------------------------------------------------------------- scope

    def _pemda_id(self, klpd: str) -> int | None:
        if klpd not in self._pemda_by_klpd:
            found = Pemda.objects.filter(kd_klpd=klpd).values_list("pk", flat=True).first()
            if len(klpd) > MEMO_LENGTH or len(self._pemda_by_klpd) >= MEMO_SIZE:
                return found  # a code of no Pemda, over and over: not remembered
            self._pemda_by_klpd[klpd] = found
        return self._pemda_by_klpd[klpd]

    def _known_units(self, pemda_id: int) -> tuple[dict[str, int], dict[str, int]]:
        """The Pemda's units by kd_satker and by budget code (kd_satker_str)."""
        if pemda_id not in self._units:
            by_code: dict[str, int] = {}
            by_budget: dict[str, int] = {}
            units = list(Unit.objects.filter(pemda_id=pemda_id).values_list(
                "kd_satker", "kd_satker_str", "pk"
            ))
            for kd_satker, budget, pk in units:
                if kd_satker:
                    by_code[kd_satker] = pk
                if budget:
                    by_budget.setdefault(budget, pk)
            for kd_satker, _budget, pk in units:  # created from a file that gave no other code
                if kd_satker and is_budget_code(kd_satker):
                    by_budget.setdefault(kd_satker, pk)
            self._units[pemda_id] = (by_code, by_budget)
        return self._units[pemda_id]

    def _known_unit_id(self, pemda_id: int, kd_satker: str, raw: Mapping[str, Any]) -> int | None:
        """The unit of a row, if the Pemda has it. SiRUP and SPSE give one perangkat daerah
        different kd_satker but the same budget code (kd_satker_str), and some files write that
        budget code as the kd_satker, so an unknown kd_satker is matched on that code; None
        when a new unit is needed (``_new_unit_id``)."""
        by_code, by_budget = self._known_units(pemda_id)
        if kd_satker not in by_code:
            budget = _budget_code(raw, kd_satker)
            if not (budget and budget in by_budget):
                return None
            by_code[kd_satker] = by_budget[budget]
        return by_code[kd_satker]

    def _new_unit_id(self, pemda_id: int, kd_satker: str, raw: Mapping[str, Any]) -> int:
        by_code, by_budget = self._known_units(pemda_id)
        budget = _budget_code(raw, kd_satker)
        unit = self._create_unit(
            pemda_id,
            kd_satker,
            kd_satker_str=budget,
            name=text(raw.get("nama_satker"))[:255] or f"Satker {kd_satker}",
        )[0]
        by_code[kd_satker] = unit.pk
        if budget:
            by_budget[budget] = unit.pk
        return unit.pk

    def _scope(
        self, raw: Mapping[str, Any], problems: list[RowError], row: int
    ) -> tuple[int | None, int | None]:
        if self.dataset.scope != "pemda":
            return None, None
        klpd_value = first(raw, self.dataset.klpd_sources)[1]
        year_value = first(raw, self.dataset.year_sources)[1] if self.dataset.year_sources else 0
        # The same KLPD and year on every row: their outcome is looked up, not worked out again.
        memo = None
        if type(klpd_value) in _SCALAR and type(year_value) in _SCALAR and year_value != "":
            memo = (type(klpd_value), klpd_value, type(year_value), year_value)
            if memo in self._scopes:
                return self._scopes[memo]
        found = len(problems)
        scope = self._work_out_scope(raw, problems, row)
        if memo is not None and len(problems) == found:
            self._scopes[memo] = scope
        return scope

    def _work_out_scope(
        self, raw: Mapping[str, Any], problems: list[RowError], row: int
    ) -> tuple[int | None, int | None]:
        source, klpd_value = first(raw, self.dataset.klpd_sources)
        klpd = text(klpd_value) or self.run.requested_klpd
        code = shown(klpd)
        pemda_id = self._pemda_id(klpd) if klpd else None
        if not klpd:
            problems.append(RowError(row, source, "", _("no KLPD code: give the Pemda's code")))
        elif pemda_id is None:
            problems.append(
                RowError(
                    row,
                    source,
                    klpd,
                    _(
                        "no Pemda has the LKPP code %(code)s: an administrator adds it on the "
                        "Pemda's profile"
                    )
                    % {"code": code},
                )
            )
        elif self.run.requested_klpd and klpd != self.run.requested_klpd:
            problems.append(
                RowError(
                    row,
                    source,
                    klpd,
                    _("the row belongs to %(code)s, not to %(asked)s")
                    % {"code": code, "asked": self.run.requested_klpd},
                )
            )
        elif self.allowed_pemda is not None and pemda_id not in self.allowed_pemda:
            problems.append(
                RowError(
                    row,
                    source,
                    klpd,
                    _("the row belongs to %(code)s, a Pemda you do not manage") % {"code": code},
                )
            )
        year: int | None = None
        if self.dataset.year_sources:
            source, year_value = first(raw, self.dataset.year_sources)
            if year_value in (None, "") and self.run.requested_year:
                year = self.run.requested_year
            elif year_value in (None, "") and isinstance(
                raw.get("tanggal_transaksi"), str | dt.datetime
            ):
                moment = str(raw["tanggal_transaksi"])[:4]
                year = int(moment) if moment.isdigit() else None
            else:
                try:
                    year = int(str(year_value).strip())
                except ValueError:
                    year = None
            if year is None or not 2000 <= year <= 2100:
                problems.append(
                    RowError(row, source, shown(year_value), _("not a fiscal year: give the year"))
                )
                year = None
            elif self.run.requested_year and year != self.run.requested_year:
                problems.append(
                    RowError(
                        row,
                        source,
                        str(year),
                        _("the row is for %(year)s, not %(asked)s")
                        % {"year": year, "asked": self.run.requested_year},
                    )
                )
        return pemda_id, year

    def _lock(self, scope: tuple[int, int] | None, name: str) -> None:
        """Hold the lock of a scope's facts before anything of it is read or written."""
        if scope in self._locked:
            return
        if not locks.take(f"{name}|{scope}"):
            what = self.dataset.name
            if scope is not None:
                what = f"{closing.scope_label(*scope)} ({what})"
            raise locks.Busy(
                _("an import of %(what)s is already running: try again when it has finished")
                % {"what": what}
            )
        self._locked.add(scope)

    def _existing_for(self, scope: tuple[int, int] | None) -> dict[Any, str]:
        if scope not in self._existing:
            assert self.model is not None
            fixed = sorted(self.dataset.fixed.items())
            self._lock(scope, f"{self.model._meta.label}|{fixed}")
            rows = self.model.objects.filter(valid_to__isnull=True, **self.dataset.fixed)
            if scope is not None:
                rows = rows.filter(**{"pemda_id": scope[0], "tahun_anggaran": scope[1]})
            wide = len(self.key_fields) > 1
            self._existing[scope] = {
                (tuple(values[:-1]) if wide else values[0]): values[-1]
                for values in rows.values_list(*self._key_columns(), "row_hash").iterator(
                    chunk_size=10000
                )
            }
            self._nothing_stored = not any(self._existing.values())
        return self._existing[scope]

    def _key_columns(self) -> list[str]:
        return [f"{name}_id" if name == "pemda" else name for name in self.key_fields]

    # -------------------------------------------------------------- rows

    def _note_event(self, event: Any) -> None:
        if not event:
            return
        if type(event) is str and event in self._events:
            day = self._events[event]
        else:
            try:
                day = dt.date.fromisoformat(str(event)[:10])
            except ValueError:
                day = None
            if type(event) is str and len(self._events) < MEMO_SIZE and len(event) < 64:
                self._events[event] = day
        if day and (self.latest_event is None or day > self.latest_event):
            self.latest_event = day

    def _key(self, values: Mapping[str, Any]) -> Any:
        fields = self.key_fields
        if len(fields) == 1:
            return values["pemda_id" if fields[0] == "pemda" else fields[0]]
        return tuple(values["pemda_id"] if name == "pemda" else values[name] for name in fields)

    def _source(
        self,
        raw: Mapping[str, Any],
        line: bytes | None,
        extra: Mapping[str, Any] | None,
        scope: Any,
        unit_id: int | None,
    ) -> str:
        """The source hash of a row: of its line where the file has one per row (JSON lines),
        else of the raw values of its columns and its ``extra``."""
        if line is not None:
            return self._lines.digest((scope, unit_id), line)
        if extra is None:
            extra = self._extra(raw)
        fields = [
            raw.get(p.sources[0]) if len(p.sources) == 1 else first(raw, p.sources)
            for p in self._plans
        ]
        return source_digest(self._code, (scope, unit_id), fields, extra)

    def _found_unchanged(self, raw: Mapping[str, Any], line: bytes | None) -> bool:
        """Whether the row is the source of the stored current version of its fact (then it is
        counted unchanged here); False sends it the whole way."""
        problems: list[RowError] = []
        pemda_id, year = self._scope(raw, problems, 0)
        scope = (pemda_id, year) if pemda_id is not None and year is not None else None
        if problems or not self._existing_for(scope):  # a first import: nothing to find
            return False
        key_values = self._clean_key(0, raw, problems)
        if problems:
            return False
        unit_id = None
        if scope:
            key_values["pemda_id"], key_values["tahun_anggaran"] = scope
            if key_values.get("kd_satker"):
                unit_id = self._known_unit_id(scope[0], key_values["kd_satker"], raw)
                if unit_id is None:
                    return False
        key_values.update(self.dataset.fixed)
        key = self._key(key_values)
        current = self._existing_for(scope).get(key)
        if (
            current is None
            or key in self._seen
            or current[16:] != self._source(raw, line, None, scope, unit_id)
        ):
            return False
        event = raw.get("_event_date")
        if event:
            self._note_event(event)
        if scope:
            self.pemda_ids.add(scope[0])
            self.years.add(scope[1])
        self._seen[key] = current
        self.counts.unchanged += 1
        return True

    def add(self, row: int, raw: Mapping[str, Any], line: bytes | None = None) -> None:
        """Take one row of the file; ``line`` is the bytes it was read from, if any."""
        self.counts.read += 1
        if self.dataset.empty_unless and all(
            raw.get(name) in (None, "") for name in self.dataset.empty_unless
        ):
            self.counts.empty += 1
            self.counts.unchanged += 1
            return
        if self._quick and not self._nothing_stored and self._found_unchanged(raw, line):
            return
        problems: list[RowError] = []
        values = self._clean(row, raw, problems)
        pemda_id, year = self._scope(raw, problems, row)
        if not problems and self.dataset.check:
            problems.extend(
                RowError(row, name, text(values.get(name)), reason)
                for name, reason in self.dataset.check(values, pemda_id)
            )
        if problems:
            self._reject(problems)
            self._keep(raw, pemda_id, year)
            return
        if self.model is None:
            self._note_event(raw.get("_event_date"))
            self._add_unit(row, values, pemda_id)
            return
        if self.dataset.derive:
            self.dataset.derive(values, raw)
            for name, limit in self._derived_lengths:
                value = values.get(name)
                if type(value) is str and len(value) > limit:
                    self._reject_long(row, values, {}, self._derived_lengths)
                    self._keep(raw, pemda_id, year)
                    return
        values.update(self.dataset.fixed)
        extra = self._extra(raw)
        scope = (pemda_id, year) if pemda_id is not None and year is not None else None
        existing = self._existing_for(scope)  # locked before its units are written
        if scope:
            values["pemda_id"], values["tahun_anggaran"] = scope
            kd_satker = values.get("kd_satker")
            if kd_satker:
                unit_id = self._known_unit_id(scope[0], kd_satker, raw)
                if unit_id is None:  # once per new unit: the row is looked at whole first
                    if self._reject_long(row, values, extra):
                        self._keep(raw, pemda_id, year)
                        return
                    unit_id = self._new_unit_id(scope[0], kd_satker, raw)
                values["unit_id"] = unit_id
        key = self._key(values)
        content, size = sized_digest(values, extra)
        if size > self.text_limit and self._reject_long(row, values, extra):
            self._keep(raw, pemda_id, year)
            return
        event = raw.get("_event_date")
        if event:
            self._note_event(event)
        if scope:
            self.pemda_ids.add(scope[0])
            self.years.add(scope[1])
        # the stored hash: the content's, then (where rows can be recognised unchanged by
        # their source) the source's
        stamp = content
        if self._quick:
            stamp += self._source(raw, line, extra, scope, values.get("unit_id"))
        current = existing.get(key)
        earlier = self._seen.get(key)
        if earlier is not None:
            # The same fact twice in one file: identical copies collapse; a differing copy is
            # a later state of it (a re-pull, a verified order) and replaces the earlier row.
            self.counts.duplicate += 1
            self.counts.unchanged += 1
            if earlier[:16] == content:
                return
            if key not in self._written:  # the earlier copy matched the database: now it changes
                self.counts.unchanged -= 1
                self.counts.updated += 1
                assert current is not None
                self._close.append(key)
            elif key in self._pending:
                del self._pending[key]
            else:
                self._delete.append(key)
        elif current is not None and (
            current[:16] == content or current == legacy_digest(values, extra)
        ):
            self._seen[key] = current if current == stamp else stamp  # shared when equal
            self.counts.unchanged += 1
            if current != stamp:  # made under other code or from other bytes: stamped anew
                self._restamp.append((stamp, key))
                if len(self._restamp) >= BATCH:
                    self.flush()
            return
        elif current is not None:
            self._close.append(key)
            self.counts.updated += 1
        else:
            self.counts.inserted += 1
        values.update(extra=extra, row_hash=stamp, valid_from_id=self.run.pk, valid_to_id=None)
        assert self._insert is not None
        self._pending[key] = self._insert.row(values)
        self._pending_size += size
        self._seen[key] = stamp
        self._written.add(key)
        if len(self._pending) >= BATCH or self._pending_size > PENDING_SIZE:
            self.flush()

    def _keep(self, raw: Mapping[str, Any], pemda_id: int | None, year: int | None) -> None:
        """A rejected row whose fact can still be named: its current version is not closed
        (the row was not taken, which is not the fact's removal at the source)."""
        if self.model is None or pemda_id is None or year is None:
            return
        problems: list[RowError] = []
        values = self._clean_key(0, raw, problems)
        values["pemda_id"], values["tahun_anggaran"] = pemda_id, year
        values.update(self.dataset.fixed)
        if not problems:
            with contextlib.suppress(KeyError):  # a key the dataset derives needs the whole row
                self._kept.add(self._key(values))

    def _reject(self, problems: list[RowError]) -> None:
        self.counts.rejected += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.extend(problems)

    def _reject_long(
        self,
        row: int,
        values: Mapping[str, Any],
        extra: Mapping[str, Any],
        limits: list[tuple[str, int]] | None = None,
    ) -> bool:
        """Rejects the row (True) when a text of ``values`` (those named in ``limits``, else
        all) or a value of ``extra`` is longer than its limit: a text field's or the text
        limit. A nested value of ``extra`` is measured as the JSON it is stored as."""
        problems = []
        reason = _("too long: %(n)s characters, at most %(limit)s")
        for name, limit in limits if limits is not None else self.max_lengths.items():
            value = values.get(name)
            if type(value) is str and len(value) > limit:
                source = self._sources.get(name, name)
                problems.append(RowError(row, source, value, reason % {
                    "n": len(value), "limit": limit}))
        for name, value in extra.items():
            if isinstance(value, str):
                length = len(value)
            elif isinstance(value, dict | list):
                length = len(json_text(value))
            else:
                continue
            if length > self.text_limit:
                problems.append(RowError(row, name, shown(value), reason % {
                    "n": length, "limit": self.text_limit}))
        if problems:
            self._reject(problems)
        return bool(problems)

    def _add_unit(self, row: int, values: dict[str, Any], pemda_id: int | None) -> None:
        """RUP-MasterSatker: create or update the perangkat daerah itself."""
        if pemda_id is None:
            return
        self._lock((pemda_id, 0), "units")
        key = (pemda_id, values["kd_satker"])
        if key in self._seen:
            self.counts.duplicate += 1
            self.counts.unchanged += 1
            return
        self._seen[key] = ""
        unit = Unit.objects.filter(pemda_id=pemda_id, kd_satker=values["kd_satker"]).first()
        if unit is None and values["kd_satker_str"]:
            # a unit an earlier file knew only by its budget code: this is its own code
            unit = Unit.objects.filter(pemda_id=pemda_id, kd_satker=values["kd_satker_str"],
                                       kd_satker_str__in=["", values["kd_satker_str"]]).first()
        wanted = {
            "kd_satker": values["kd_satker"],
            "name": values["nama_satker"][:255],
            "kd_satker_str": values["kd_satker_str"][:60],
            "is_active": values["aktif"],
        }
        if unit is None:
            unit, created = self._create_unit(
                pemda_id, values["kd_satker"],
                **{k: v for k, v in wanted.items() if k != "kd_satker"})
        else:
            created = False
        if created:
            self.counts.inserted += 1
        elif any(getattr(unit, k) != v for k, v in wanted.items()):
            changes = accounts_services.update_imported_unit(unit=unit, **wanted)
            self.units_updated.append((unit, changes))
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1
        self.pemda_ids.add(pemda_id)

    def _create_unit(self, pemda_id: int, kd_satker: str, **fields: Any) -> tuple[Unit, bool]:
        """A new unit through the accounts services (or the one another import committed
        first), remembered for the run's one audit entry (``log_units``)."""
        unit, created = accounts_services.create_imported_unit(
            pemda_id=pemda_id, kd_satker=kd_satker, **fields
        )
        if created:
            self.units_created.append(unit)
        return unit, created

    def log_units(self, actor: Any, pemda: Pemda | None) -> None:
        """The one audit entry of the units this run created and changed (none: no entry)."""
        accounts_services.log_imported_units(
            actor=actor,
            source=self.run,
            pemda=pemda,
            created=self.units_created,
            updated=self.units_updated,
        )

    def _matching(self, keys: list[Any]) -> Q:
        """The rows of these natural keys (a current version is unique by its key)."""
        names = self._key_columns()
        if len(names) == 1:
            return Q(**{f"{names[0]}__in": keys})
        match = Q()
        for key in keys:
            match |= Q(**dict(zip(names, key, strict=True)))
        return match

    def flush(self) -> None:
        if self.model is None:
            return
        step = 500 if len(self.key_fields) == 1 else 100  # OR-ed keys: a shallow expression
        if self._restamp:  # first: these versions are still current, whatever follows
            assert self._restamper is not None
            self._restamper.write(self._restamp)
            self._restamp.clear()
        if self._delete:  # rows this run wrote and a later copy in the file replaced
            for start in range(0, len(self._delete), step):
                self.model.objects.filter(
                    self._matching(self._delete[start : start + step]),
                    valid_from=self.run,
                    valid_to__isnull=True,
                ).delete()
            self._delete.clear()
        if self._close:  # before the inserts: the new versions are current too
            for start in range(0, len(self._close), step):
                self.model.objects.filter(
                    self._matching(self._close[start : start + step]), valid_to__isnull=True
                ).update(valid_to=self.run)
            self._close.clear()
        if self._pending:
            assert self._insert is not None
            self._insert.write(self._pending.values())
            self._pending.clear()
            self._pending_size = 0

    def _missing(self) -> Iterator[tuple[tuple[int, int], dict[Any, str], list[Any]]]:
        """Each Pemda-year of the file, its current facts and the keys of those the file no
        longer lists."""
        if self.model is None or self.dataset.scope != "pemda":
            return
        for scope, existing in self._existing.items():
            if scope is not None:
                gone = [k for k in existing if k not in self._seen and k not in self._kept]
                yield scope, existing, gone

    def closings(self) -> list[closing.ScopeClosing]:
        """What ``finish`` would close, by Pemda-year."""
        return [
            closing.ScopeClosing(scope[0], scope[1], len(existing), len(gone))
            for scope, existing, gone in self._missing()
        ]

    def finish(self, *, close: bool = True) -> None:
        """Write what is left and (with ``close``) close the facts the file no longer lists."""
        if close:
            for _scope, _existing, gone in self._missing():
                self._close.extend(gone)
                self.counts.removed += len(gone)
        self.flush()
        if self.dataset.record_sightings:
            self._record_sightings()

    def _record_sightings(self) -> None:
        """The facts this file listed unchanged (their version came from an earlier file)."""
        assert self.model is not None and len(self.key_fields) == 1
        name = self.model._meta.model_name or ""
        Sighting.objects.bulk_create(
            (
                Sighting(run_id=self.run.pk, fact_model=name, key=str(key))
                for key in self._seen
                if key not in self._written
            ),
            batch_size=2000,
        )


def refresh_statistics(model: type[models.Model] | None, changed: int) -> None:
    """After a commit that changed many rows, have PostgreSQL look at the table again
    (ANALYZE, as its manual advises after bulk loading): until autovacuum comes round, the
    planner takes a freshly filled table for an empty one and may join it row by row (a
    Dasbor filter over a just-imported Pemda-year took minutes instead of 0,2 s). SQLite
    plans without statistics of this kind."""
    if model is None or changed < 500 or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (model._meta.db_table, IndicatorRollup._meta.db_table):
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            found = cursor.fetchone()
            rows = found[0] if found else -1
            if rows < 0 or changed >= 0.1 * rows:  # never looked at, or a tenth changed
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _resolve(run: ImportRun, columns: list[str]) -> Dataset:
    try:
        if run.requested_dataset:
            dataset = datasets.by_name(run.requested_dataset)
            missing = dataset.signature - set(columns)
            if missing:
                raise Refused(
                    _("this file is not %(name)s: it lacks %(fields)s")
                    % {"name": dataset.name, "fields": ", ".join(sorted(missing))}
                )
            return dataset
        return datasets.recognise(columns, run.file_name)
    except datasets.UnknownDataset as exc:
        raise Refused(str(exc)) from None


def reader_limits() -> Limits:
    """What one file may hold, from the settings (docs/configuration.md)."""
    megabyte = 1_048_576
    return Limits(
        rows=settings.P3DN_IMPORT_MAX_ROWS,
        depth=settings.P3DN_IMPORT_MAX_DEPTH,
        value_length=settings.P3DN_IMPORT_MAX_VALUE_LENGTH,
        row_bytes=settings.P3DN_IMPORT_MAX_ROW_BYTES,
        unzipped_bytes=settings.P3DN_IMPORT_MAX_UNZIPPED_MB * megabyte,
        part_bytes=settings.P3DN_IMPORT_MAX_PART_MB * megabyte,
        zip_ratio=settings.P3DN_IMPORT_MAX_ZIP_RATIO,
    )


def _budget_code(raw: Mapping[str, Any], kd_satker: str) -> str:
    """The row's budget code: its kd_satker_str, or its kd_satker when that is one."""
    budget = text(raw.get("kd_satker_str"))[:60]
    if not budget and is_budget_code(kd_satker):
        return kd_satker.strip()[:60]
    return budget


def _rows(source: Iterator[RawRow]) -> Iterator[RawRow]:
    try:
        yield from source
    except UnreadableFile as exc:
        raise Refused(refusal_text(exc)) from None


def process_file(
    run: ImportRun,
    path: Path,
    *,
    allowed_pemda: set[int] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ImportRun:
    """Import ``path`` under ``run`` (already RUNNING); returns the run with its outcome saved."""
    started = time.monotonic()
    writer: Writer | None = None
    try:
        with open_rows(path, limits=reader_limits()) as source:
            run.file_format = source.format
            dataset = _resolve(run, list(source.columns))
            run.dataset = dataset.name
            writer = Writer(run=run, dataset=dataset, allowed_pemda=allowed_pemda)
            with bulk_load(), transaction.atomic():
                for number, raw, line in _rows(source.with_raw()):
                    writer.add(number, raw, line)
                    if progress and writer.counts.read % 5000 == 0:
                        progress(
                            Progress(
                                writer.counts.read,
                                time.monotonic() - started,
                                getattr(source, "fraction_done", lambda: None)(),
                            )
                        )
                rejected = writer.counts.rejected and not run.apply_valid_rows
                scopes = writer.closings()
                held = "" if rejected else closing.hold_reason(run, dataset.name, scopes)
                run.message = held  # a dry run says too that applying would ask first
                if held and not run.dry_run:
                    writer.counts.removed = sum(s.closing for s in scopes)
                    raise _Hold
                writer.finish(close=run.closing != ImportRun.Closing.NONE)
                rollups.refresh_after_import(dataset.model, writer.pemda_ids, writer.years)
                if run.dry_run or rejected:
                    raise _Rollback
                c = writer.counts
                actor = run.user or run.actor_name or "system"
                pemda = (
                    Pemda.objects.filter(pk__in=writer.pemda_ids).first()
                    if len(writer.pemda_ids) == 1
                    else None
                )
                log_change(
                    actor=actor,
                    action="imports.run.applied",
                    obj=run,
                    changes={
                        "dataset": [None, dataset.name],
                        "inserted": [None, c.inserted],
                        "updated": [None, c.updated],
                        "closed": [None, c.removed],
                        "closing": [None, run.closing],
                        "rejected": [None, c.rejected],
                    },
                    pemda=pemda,
                )
                writer.log_units(actor, pemda)
        status = ImportRun.Status.APPLIED
        c = writer.counts
        refresh_statistics(dataset.model, c.inserted + c.updated + c.removed)
    except _Hold:
        status = ImportRun.Status.NEEDS_CONFIRMATION
    except _Rollback:
        status = ImportRun.Status.CHECKED if run.dry_run else ImportRun.Status.REJECTED
    except (Refused, UnreadableFile) as exc:
        status = ImportRun.Status.REFUSED
        run.message = refusal_text(exc) if isinstance(exc, UnreadableFile) else str(exc)
    except locks.Busy as exc:
        status = ImportRun.Status.BUSY
        run.message = str(exc)
    except Exception as exc:  # a crash must leave a trace on the run, never a half import
        if locks.is_locked_database(exc):  # SQLite: another writer outlasted the wait
            status = ImportRun.Status.BUSY
            run.message = locks.busy_database_message()
        else:
            log.exception("import run %s failed", run.pk)
            status = ImportRun.Status.FAILED
            run.message = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    return _finish(run, status, writer)


def _finish(run: ImportRun, status: str, writer: Writer | None) -> ImportRun:
    run.status = status
    run.finished_at = timezone.now()
    if writer is not None:
        c = writer.counts
        # what was written, or for a dry run or a run to confirm what would have been
        shown = run.dry_run or status in (
            ImportRun.Status.APPLIED, ImportRun.Status.NEEDS_CONFIRMATION)
        run.rows_read, run.rows_rejected, run.rows_duplicate = c.read, c.rejected, c.duplicate
        run.rows_inserted = c.inserted if shown else 0
        run.rows_updated = c.updated if shown else 0
        run.rows_closed = c.removed if shown else 0
        run.rows_unchanged = c.unchanged
        if len(writer.pemda_ids) == 1:
            run.pemda_id = next(iter(writer.pemda_ids))
        if len(writer.years) == 1:
            run.tahun = next(iter(writer.years))
        run.data_as_of = writer.latest_event or timezone.localdate()
        if status == ImportRun.Status.REJECTED and not run.message:
            run.message = _("%(n)s rows rejected; nothing was applied.") % {"n": c.rejected}
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    run=run, row_number=e.row, field=e.field[:120], value=e.value, reason=e.reason
                )
                for e in writer.errors
            ],
            batch_size=1000,
        )
    with transaction.atomic():
        run.save()
        if status == ImportRun.Status.APPLIED and run.pemda_id is not None:
            # The facts' own as-of: the layers above read it from procurement, not from here.
            procurement_services.record_refresh(run_id=run.pk, pemda_id=run.pemda_id)
    return run
