"""Helpers shared by the JSON adapters of the registry (private)."""

from __future__ import annotations

from typing import Any, Protocol

from p3dn.rules._payload import Checker, Obj
from p3dn.rules.common import JenisPengadaan, parse_jenis
from p3dn.rules.versions import Kind, rule_set_for, versions_of


class _Explained(Protocol):
    @property
    def legal_basis(self) -> str: ...
    @property
    def explanation(self) -> tuple[str, ...]: ...
    @property
    def unconfirmed(self) -> tuple[str, ...]: ...


def tail(result: _Explained) -> dict[str, Any]:
    """The keys every rule output ends with."""
    return {
        "legal_basis": result.legal_basis,
        "unconfirmed": list(result.unconfirmed),
        "explanation": list(result.explanation),
    }


def regulation(root: Obj, kind: Kind, choices: tuple[str, ...] | None = None) -> str:
    """``regulation`` if given, else the version in force on ``as_of``; one of them is required."""
    choices = choices or versions_of(kind)
    chosen = root.opt_choice("regulation", choices)
    as_of = root.opt_date("as_of")
    if chosen:
        return chosen
    if as_of:
        return rule_set_for(kind, as_of).version
    if not root.has_error("regulation") and not root.has_error("as_of"):
        root.checker.add_custom(
            root.at("regulation"),
            "required",
            f"Isi regulation ({', '.join(choices)}) atau as_of (YYYY-MM-DD).",
            f"Give regulation ({', '.join(choices)}) or as_of (YYYY-MM-DD).",
        )
    return choices[0]


def jenis(obj: Obj, key: str) -> JenisPengadaan:
    text = obj.text(key)
    if not text:
        return JenisPengadaan.BARANG
    value = parse_jenis(text)
    if value is None:
        names = ", ".join(j.value for j in JenisPengadaan)
        obj.checker.add(
            obj.at(key), "invalid_choice", value=text, choices=names + " (atau kode 1-4)"
        )
        return JenisPengadaan.BARANG
    return value


def names_unique(checker: Checker, objs: list[Obj], names: list[str], key: str) -> None:
    seen: set[str] = set()
    for obj, name in zip(objs, names, strict=True):
        if name and name in seen:
            checker.add(obj.at(key), "duplicate", value=name)
        seen.add(name)
