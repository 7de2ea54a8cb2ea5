"""JSON adapters: pdn_obligation (C1), tier (C2), hea (C3-C4), certificate (C12) (private)."""

from __future__ import annotations

from typing import Any

from p3dn.rules._fmt import frac_out, money_out, plain_out
from p3dn.rules._json_common import jenis, names_unique, tail
from p3dn.rules._payload import Checker, Obj
from p3dn.rules.certificates import CertificateKind, certificate_status
from p3dn.rules.common import ZERO
from p3dn.rules.obligation import Candidate, pdn_obligation, purchase_tier
from p3dn.rules.params import Params
from p3dn.rules.preference import Bid, Formula, evaluate_bids


def _candidates(ck: Checker, root: Obj, params: Params, *, with_supply: bool) -> list[Candidate]:
    objs = root.objects("candidates")
    out = []
    for o in objs:
        certified = o.boolean("certified", default=True)
        tkdn = o.opt_decimal("tkdn", fraction=True, required=certified)
        bmp = o.fraction("bmp", default=ZERO, maximum=params.bmp_max)
        in_siinas = o.boolean("in_siinas", default=False) if with_supply else False
        volume = o.opt_decimal("available_volume") if with_supply else None
        out.append(Candidate(o.text("name"), tkdn, bmp, certified, in_siinas, volume))
    names_unique(ck, objs, [c.name for c in out], "name")
    return out


def run_pdn_obligation(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    candidates = _candidates(ck, root, params, with_supply=False)
    ck.finish()
    r = pdn_obligation(candidates, params=params)
    return {
        "wajib_pdn": r.wajib_pdn,
        "threshold": frac_out(r.threshold),
        "qualifying": list(r.qualifying),
        "candidates": [
            {
                "name": c.name,
                "tkdn_plus_bmp": None if c.tkdn_plus_bmp is None else frac_out(c.tkdn_plus_bmp),
                "qualifies": c.qualifies,
            }
            for c in r.candidates
        ],
        **tail(r),
    }


def run_tier(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    as_of = root.date("as_of")
    volume = root.opt_decimal("volume_needed")
    candidates = _candidates(ck, root, params, with_supply=True)
    ck.finish()
    r = purchase_tier(candidates, as_of=as_of, volume_needed=volume, params=params)
    return {
        "as_of": r.as_of.isoformat(),
        "regulation": r.regulation,
        "tier": r.tier.value,
        "allowed": list(r.allowed),
        "imports_allowed": r.imports_allowed,
        "qualified": {g: list(names) for g, names in r.groups.items()},
        "candidates": [
            {"name": c.name, "groups": list(c.groups), "reason": c.reason} for c in r.candidates
        ],
        "volume_needed": None if r.volume_needed is None else plain_out(r.volume_needed),
        "volume_a": None if r.volume_a is None else plain_out(r.volume_a),
        "volume_partial": r.volume_partial,
        "volume_unknown": list(r.volume_missing),
        **tail(r),
    }


def run_hea(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    kind = jenis(root, "jenis")
    hps = root.money("hps")
    pref = root.fraction("preferensi_tertinggi", maximum=params.preference_max)
    formula = Formula(
        root.choice("formula", tuple(x.value for x in Formula), default=params.preference_formula)
    )
    objs = root.objects("bids")
    bids = [Bid(o.text("name"), o.money("hp"), o.fraction("tkdn")) for o in objs]
    names_unique(ck, objs, [b.name for b in bids], "name")
    ck.finish()
    r = evaluate_bids(
        jenis=kind, hps=hps, preferensi_tertinggi=pref, bids=bids, formula=formula, params=params
    )
    return {
        "formula": r.formula.value,
        "eligible": r.eligible,
        "bids": [
            {
                "name": b.name,
                "hp": plain_out(b.hp),
                "tkdn": plain_out(b.tkdn),
                "kp": frac_out(b.kp),
                "hea": money_out(b.hea, 2),
                "rank": b.rank,
            }
            for b in r.bids
        ],
        "winner": r.winner,
        **({"tied": list(r.tied)} if r.tied else {}),
        "warnings": list(r.warnings),
        **tail(r),
    }


def run_certificate(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    as_of = root.date("as_of")
    issued = root.opt_date("tanggal_terbit")
    expires = root.opt_date("tanggal_berakhir")
    kind = CertificateKind(
        root.choice("jenis", tuple(k.value for k in CertificateKind), default="tkdn")
    )
    extended = root.boolean("diperpanjang", default=False)
    percent = root.opt_decimal("nilai_tkdn_persen")
    ck.finish()
    r = certificate_status(
        as_of=as_of,
        tanggal_terbit=issued,
        tanggal_berakhir=expires,
        jenis=kind,
        diperpanjang=extended,
        nilai_tkdn_persen=percent,
        params=params,
    )
    return {
        "as_of": r.as_of.isoformat(),
        "regulation": r.regulation,
        "tanggal_terbit": None if r.tanggal_terbit is None else r.tanggal_terbit.isoformat(),
        "tanggal_berakhir": r.tanggal_berakhir.isoformat(),
        "berakhir_diperkirakan": r.berakhir_diperkirakan,
        "status": r.status.value,
        "label": r.label,
        "berlaku": r.berlaku,
        "sisa_hari": r.sisa_hari,
        "tkdn": None if r.tkdn is None else frac_out(r.tkdn),
        "tkdn_tidak_berlaku": r.tkdn_tidak_berlaku,
        **tail(r),
    }
