"""The calculators' registry: every rule by name, with a JSON ``run`` and a worked example.

``RULES[name].run(payload)`` validates a JSON payload (money and fractions as decimal strings
or integers; floats converted through ``str``), computes, and returns a JSON-ready dict whose
Decimals are strings. Every result carries ``legal_basis``, ``unconfirmed`` (parameters or
readings the result rests on that are not confirmed, see ``params.param_info``) and
``explanation`` (Indonesian steps with the numbers filled in). Bad input raises
``RuleInputError`` listing every problem with its field path. Any payload may carry
``"params": {...}`` overriding defaults of ``params.Params``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from p3dn.rules import _json_pdn, _json_spend, _json_tkdn


@dataclass(frozen=True)
class Rule:
    name: str
    computation: str  # DOMAIN.md section 6 number(s)
    title_id: str
    title_en: str
    description: str
    legal_basis: str
    inputs: str  # Markdown list of the input keys
    example_input: dict[str, Any]
    runner: Callable[[object], dict[str, Any]]

    def run(self, payload: object) -> dict[str, Any]:
        """Validate ``payload``, compute, return a JSON-ready dict (raises RuleInputError)."""
        return self.runner(payload)


_RULES: tuple[Rule, ...] = (
    Rule(
        name="pdn_obligation",
        computation="C1",
        title_id="Kewajiban penggunaan PDN",
        title_en="Domestic-product obligation",
        description=(
            "Whether the buyer must use domestic products for a commodity: the obligation applies "
            "when a certified domestic product has TKDN + BMP of at least 40%."
        ),
        legal_basis="Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2) dan (3)",
        inputs=(
            "- `candidates` (list, required): `name`; `tkdn` (fraction, required when certified); "
            "`bmp` (fraction <= 0.15, default 0); `certified` (bool, default true)."
        ),
        example_input={
            "candidates": [
                {"name": "Laptop merek A", "tkdn": "0.3012", "bmp": "0.1243"},
                {"name": "Laptop merek B", "tkdn": "0.2511", "bmp": "0.0800"},
                {"name": "Laptop impor C", "certified": False},
            ]
        },
        runner=_json_pdn.run_pdn_obligation,
    ),
    Rule(
        name="tier",
        computation="C2",
        title_id="Tingkat pembelian PDN",
        title_en="Domestic-product purchase tier",
        description=(
            "Which products may be bought on the as-of date: the Perpres 12/2021 rule before 30 "
            "April 2025, the Perpres 46/2025 cascade (a: TKDN+BMP >= 40% exists and its volume "
            "suffices; b: TKDN >= 25%; c: certified below 25%; d: registered in SIINas; then "
            "imports) from then on. Partial volumes are reported, not split."
        ),
        legal_basis=(
            "Perpres 46/2025 (Pasal 66 ayat (2) huruf a-d); before 30 April 2025 Perpres 12/2021 "
            "Pasal 66 ayat (2)"
        ),
        inputs=(
            "- `as_of` (YYYY-MM-DD, required)\n- `volume_needed` (decimal, optional)\n- "
            "`candidates` (list, required): `name`; `tkdn`; `bmp`; `certified` (default true); "
            "`in_siinas` (default false); `available_volume` (optional)."
        ),
        example_input={
            "as_of": "2025-06-02",
            "volume_needed": "120",
            "candidates": [
                {"name": "Laptop merek A", "tkdn": "0.30", "bmp": "0.12", "available_volume": "80"},
                {
                    "name": "Laptop merek B",
                    "tkdn": "0.27",
                    "bmp": "0.05",
                    "available_volume": "200",
                },
                {
                    "name": "Laptop merek C",
                    "tkdn": "0.18",
                    "in_siinas": True,
                    "available_volume": "500",
                },
                {"name": "Laptop rakitan D", "certified": False, "in_siinas": True},
            ],
        },
        runner=_json_pdn.run_tier,
    ),
    Rule(
        name="hea",
        computation="C3-C4",
        title_id="Preferensi harga dan HEA",
        title_en="Price preference and final evaluated price",
        description=(
            "Eligibility for price preference (Barang only, HPS above Rp1 miliar, TKDN >= 25%, "
            "preference <= 25%), KP = TKDN x highest preference, HEA = (1 - KP) x HP (or the "
            "legacy HP / (1 + KP)), ranking by HEA with ties going to the higher TKDN. HEA is "
            "rounded half-up to 2 decimals in the output only."
        ),
        legal_basis="Perpres 16/2018 jo. Perpres 12/2021 Pasal 67 ayat (2) dan (3)",
        inputs=(
            "- `jenis` (Barang | Pekerjaan Konstruksi | Jasa Konsultansi | Jasa Lainnya, or code "
            "1-4)\n- `hps` (money)\n- `preferensi_tertinggi` (fraction <= 0.25)\n- `formula` "
            "(perpres12_2021 | legacy, default perpres12_2021)\n- `bids` (list): `name`, `hp` "
            "(money), `tkdn` (fraction)."
        ),
        example_input={
            "jenis": "Barang",
            "hps": "1200000000",
            "preferensi_tertinggi": "0.15",
            "formula": "perpres12_2021",
            "bids": [
                {"name": "A", "hp": "1050000000", "tkdn": "0.60"},
                {"name": "B", "hp": "1150000000", "tkdn": "0.50"},
                {"name": "C", "hp": "1025000000", "tkdn": "0.25"},
                {"name": "D", "hp": "1010000000", "tkdn": "0.20"},
            ],
        },
        runner=_json_pdn.run_hea,
    ),
    Rule(
        name="tkdn_barang",
        computation="C5-C6",
        title_id="TKDN barang",
        title_en="TKDN of goods",
        description=(
            "TKDN of goods from per-unit cost lines (material, direct labour, factory overhead): "
            "(HBJ - KLN) / HBJ. Under 16/2011 the tier-2 100% rule applies and unverifiable lines "
            "count 0; under 35/2025 components count at their own TKDN and the investment floor / "
            "R&D add-on apply."
        ),
        legal_basis=(
            "Permenperin 16/M-IND/PER/2/2011 Pasal 3, 4, 7 ayat (2), Lampiran II; Permenperin "
            "35/2025 Lampiran I"
        ),
        inputs=(
            "- `regulation` (permenperin16_2011 | permenperin35_2025) or `as_of` (YYYY-MM-DD)\n- "
            "`lines` (list): `uraian`; `kategori` (material | tenaga_kerja | overhead); `biaya` "
            "(money) or `qty` + `harga`; exactly one of `asal` (dalam_negeri | luar_negeri), `kdn` "
            "(money), `tkdn` (fraction); `terverifikasi` (default true); `lapis2` (16/2011 only, "
            "default false)\n- `investasi` (bool), `litbang` (fraction <= 0.20): 35/2025 only."
        ),
        example_input={
            "regulation": "permenperin16_2011",
            "lines": [
                {
                    "uraian": "Badan pena (plastik lokal)",
                    "kategori": "material",
                    "biaya": "40",
                    "asal": "dalam_negeri",
                },
                {
                    "uraian": "Tinta impor",
                    "kategori": "material",
                    "biaya": "30",
                    "asal": "luar_negeri",
                },
                {"uraian": "Pegas baja", "kategori": "material", "biaya": "10", "kdn": "5"},
                {
                    "uraian": "Operator WNI",
                    "kategori": "tenaga_kerja",
                    "biaya": "25",
                    "asal": "dalam_negeri",
                },
                {
                    "uraian": "Listrik dan penyusutan mesin",
                    "kategori": "overhead",
                    "biaya": "15",
                    "kdn": "10",
                },
            ],
        },
        runner=_json_tkdn.run_tkdn_barang,
    ),
    Rule(
        name="tkdn_jasa",
        computation="C7",
        title_id="TKDN jasa",
        title_en="TKDN of services",
        description=(
            "TKDN of services = domestic service cost / total service cost over labour, tools/work "
            "facilities and general services, costed on site."
        ),
        legal_basis="Permenperin 16/M-IND/PER/2/2011 Pasal 8",
        inputs=(
            "- `regulation` or `as_of` (as for tkdn_barang)\n- `lines` (list): `uraian`; "
            "`kategori` (tenaga_kerja | alat_kerja | jasa_umum); `biaya`; one of `asal`, `kdn`, "
            "`tkdn`; `terverifikasi`."
        ),
        example_input={
            "regulation": "permenperin16_2011",
            "lines": [
                {
                    "uraian": "Arsitek dan drafter WNI",
                    "kategori": "tenaga_kerja",
                    "biaya": "2000",
                    "asal": "dalam_negeri",
                },
                {
                    "uraian": "Konsultan desain asing",
                    "kategori": "tenaga_kerja",
                    "biaya": "550",
                    "asal": "luar_negeri",
                },
                {
                    "uraian": "Sewa komputer dan perangkat lunak",
                    "kategori": "alat_kerja",
                    "biaya": "400",
                    "asal": "dalam_negeri",
                },
                {
                    "uraian": "Cetak dan transportasi",
                    "kategori": "jasa_umum",
                    "biaya": "250",
                    "asal": "dalam_negeri",
                },
            ],
        },
        runner=_json_tkdn.run_tkdn_jasa,
    ),
    Rule(
        name="tkdn_gabungan",
        computation="C8",
        title_id="TKDN gabungan barang dan jasa",
        title_en="Combined goods and services TKDN",
        description=(
            "Combined TKDN: 16/2011 recap form ((B_total - B_LN) + (J_total - J_LN)) / (B_total + "
            "J_total); 35/2025 sum of TKDN_k x share_k with shares given or taken from values."
        ),
        legal_basis=(
            "Permenperin 16/M-IND/PER/2/2011 (formulir rekapitulasi); "
            "Permenperin 35/2025 Pasal 18-20"
        ),
        inputs=(
            "- `regulation` or `as_of`\n- 16/2011: `barang` and `jasa` objects with `total` and "
            "`kln` (default 0)\n- 35/2025: `komponen` (list): `uraian`, `jenis` (barang | jasa), "
            "`tkdn`, and `proporsi` (fractions summing to 1) or `nilai` (money) for every "
            "component."
        ),
        example_input={
            "regulation": "permenperin16_2011",
            "barang": {"total": "308426888", "kln": "0"},
            "jasa": {"total": "166076017", "kln": "0"},
        },
        runner=_json_tkdn.run_tkdn_gabungan,
    ),
    Rule(
        name="tkdn_multi",
        computation="C9",
        title_id="TKDN beberapa produk",
        title_en="TKDN of several products",
        description="TKDN of several products = sum(TKDN_i x price_i) / sum(price_i).",
        legal_basis="Permenperin 16/M-IND/PER/2/2011 Pasal 6",
        inputs="- `produk` (list): `nama`, `tkdn` (fraction), `harga` (money).",
        example_input={
            "produk": [
                {"nama": "Meja kerja", "tkdn": "0.45", "harga": "50000000"},
                {"nama": "Kursi kerja", "tkdn": "0.60", "harga": "30000000"},
                {"nama": "Lemari arsip", "tkdn": "0.20", "harga": "20000000"},
            ]
        },
        runner=_json_tkdn.run_tkdn_multi,
    ),
    Rule(
        name="bmp",
        computation="C10",
        title_id="Bobot Manfaat Perusahaan (BMP)",
        title_en="Company benefit weight (BMP)",
        description=(
            "BMP from the factor menu of the regulation, capped at 15%; with a TKDN, also TKDN + "
            "BMP. Factor weights that are not confirmed are marked."
        ),
        legal_basis="Permenperin 16/M-IND/PER/2/2011 Pasal 13; Permenperin 35/2025",
        inputs=(
            "- `regulation` or `as_of`\n- `faktor` (list): `kode` (menu code), `capaian` "
            "(fraction, default 1)\n- `tkdn` (fraction, optional)."
        ),
        example_input={
            "regulation": "permenperin35_2025",
            "tkdn": "0.30",
            "faktor": [
                {"kode": "penyerapan_tenaga_kerja"},
                {"kode": "investasi_baru"},
                {"kode": "kemitraan_rantai_pasok"},
                {"kode": "merek_dalam_negeri"},
                {"kode": "pengembangan_sdm"},
                {"kode": "sertifikasi_akreditasi"},
            ],
        },
        runner=_json_tkdn.run_bmp,
    ),
    Rule(
        name="tkdn_ik",
        computation="C11",
        title_id="TKDN industri kecil (TKDN-IK)",
        title_en="Small-industry TKDN (TKDN-IK)",
        description=(
            "Self-assessed TKDN-IK: component scores capped at 24/10/4/2% (max 40%) under 46/2022, "
            "certifiable from 25%; under 35/2025 self-declare without the 40% cap."
        ),
        legal_basis="Permenperin 46/2022; Permenperin 35/2025",
        inputs=(
            "- `regulation` (permenperin46_2022 | permenperin35_2025) or `as_of`\n- `material`, "
            "`tenaga_kerja`, `overhead`, `pengembangan` (scores, fractions of the product "
            "value)\n- `modal_usaha` (money, optional: checks the small-industry criterion)."
        ),
        example_input={
            "regulation": "permenperin46_2022",
            "material": "0.20",
            "tenaga_kerja": "0.10",
            "overhead": "0.03",
            "pengembangan": "0.01",
            "modal_usaha": "750000000",
        },
        runner=_json_tkdn.run_tkdn_ik,
    ),
    Rule(
        name="certificate",
        computation="C12",
        title_id="Masa berlaku sertifikat TKDN",
        title_en="TKDN certificate validity",
        description=(
            "Whether a certificate is valid on a date (berlaku, segera berakhir within 60 days, "
            "kedaluwarsa); the expiry is estimated from the issue date when missing; 999.99 in the "
            "Kemenperin export means 'not applicable', not a percentage."
        ),
        legal_basis="Permenperin 16/2011; Permenperin 46/2022; Permenperin 35/2025 (masa berlaku)",
        inputs=(
            "- `as_of` (YYYY-MM-DD)\n- `tanggal_berakhir` and/or `tanggal_terbit` (YYYY-MM-DD)\n- "
            "`jenis` (tkdn | tkdn_ik, default tkdn); `diperpanjang` (bool, TKDN-IK extension)\n- "
            "`nilai_tkdn_persen` (percent as in the export, e.g. 43.12, or 999.99)."
        ),
        example_input={
            "as_of": "2025-10-15",
            "tanggal_terbit": "2022-11-20",
            "tanggal_berakhir": "2025-11-19",
            "nilai_tkdn_persen": "43.12",
        },
        runner=_json_pdn.run_certificate,
    ),
    Rule(
        name="cluster",
        computation="C13",
        title_id="Klaster TKDN / PDN / Impor",
        title_en="TKDN / PDN / import cluster",
        description=(
            "Cluster of each spending line (TKDN if a valid certificate matched, else PDN if a "
            "domestic producer is confirmed, else Impor) and the rupiah value of TKDN."
        ),
        legal_basis="Juknis Aplikasi SAKTI - Pencatatan Informasi TKDN v1.1 (DJPb Kemenkeu)",
        inputs=(
            "- `lines` (list): `uraian`, `nilai` (money), `sertifikat_berlaku` (bool), `tkdn` "
            "(fraction, required when the certificate is valid), `produsen_dalam_negeri` (bool)."
        ),
        example_input={
            "lines": [
                {
                    "uraian": "Laptop bersertifikat TKDN",
                    "nilai": "150000000",
                    "sertifikat_berlaku": True,
                    "tkdn": "0.4312",
                },
                {
                    "uraian": "Kursi rotan pengrajin lokal",
                    "nilai": "25000000",
                    "produsen_dalam_negeri": True,
                },
                {"uraian": "Proyektor impor", "nilai": "40000000"},
            ]
        },
        runner=_json_spend.run_cluster,
    ),
    Rule(
        name="capaian",
        computation="C16",
        title_id="Capaian dan komposisi belanja PDN",
        title_en="PDN achievement and composition",
        description=(
            "Capaian (progress) = realised PDN / committed PDN, and komposisi = realised PDN / all "
            "realised procurement, labelled apart; optional target."
        ),
        legal_basis="Perpres 12/2021 Pasal 66; Inpres 2/2022",
        inputs=(
            "- `realisasi_pdn` (money) or `rincian_realisasi_pdn` (list of `label`, `nilai`)\n- "
            "`komitmen_pdn` (money)\n- `realisasi_total_pengadaan` (money, optional)\n- `target` "
            "(fraction, optional)."
        ),
        example_input={
            "realisasi_pdn": "11350000000000",
            "komitmen_pdn": "15800000000000",
            "target": "0.80",
        },
        runner=_json_spend.run_capaian,
    ),
    Rule(
        name="umk_share",
        computation="C17",
        title_id="Pangsa belanja UMK dan koperasi",
        title_en="Share of spending on small business",
        description=(
            "UMK share of the procurement budget against the 40% minimum, planned (SiRUP pagu of "
            "UKM packages) or realised (contracts, pencatatan, e-Katalog from UKM providers). The "
            "denominator is configurable."
        ),
        legal_basis="Perpres 12/2021 Pasal 65 ayat (3); Inpres 2/2022",
        inputs=(
            "- `tahap` (rencana | realisasi)\n- rencana: `pagu_ukm`; realisasi: "
            "`nilai_umk_kontrak`, `nilai_umk_pct`, `nilai_umk_katalog` (default 0)\n- "
            "`belanja_pengadaan`, `belanja_barang_jasa` (money)\n- `penyebut` (belanja_pengadaan | "
            "belanja_barang_jasa, default from params)."
        ),
        example_input={
            "tahap": "rencana",
            "pagu_ukm": "412500000000",
            "belanja_pengadaan": "938000000000",
        },
        runner=_json_spend.run_umk_share,
    ),
    Rule(
        name="reserved_package",
        computation="C18",
        title_id="Paket dicadangkan untuk usaha kecil",
        title_en="Packages reserved for small business",
        description=(
            "Packages of Barang, Pekerjaan Konstruksi or Jasa Lainnya with pagu up to Rp15 miliar "
            "are reserved for small business and cooperatives; those not marked UKM without "
            "alasan_non_ukm are flagged."
        ),
        legal_basis="Perpres 12/2021 Pasal 65 ayat (4) dan (5)",
        inputs=(
            "- `paket` (list): `kd_rup`, `nama_paket`, `jenis_pengadaan` (name or code 1-4), "
            "`pagu` (money), `status_ukm`, `alasan_non_ukm`, `pengecualian_teknis` (bool)."
        ),
        example_input={
            "paket": [
                {
                    "kd_rup": "53613689",
                    "nama_paket": "Pembangunan Gedung Kantor Kecamatan Baleendah",
                    "jenis_pengadaan": "Pekerjaan Konstruksi",
                    "pagu": "7000000000",
                    "status_ukm": "UKM",
                },
                {
                    "kd_rup": "53630769",
                    "nama_paket": "Belanja Alat Tulis Kantor",
                    "jenis_pengadaan": "Barang",
                    "pagu": "1452000",
                    "status_ukm": "Non-UKM",
                },
                {
                    "kd_rup": "53613638",
                    "nama_paket": "Perencanaan Rehabilitasi Gedung Kantor Dinas PUTR",
                    "jenis_pengadaan": "Jasa Konsultansi",
                    "pagu": "450000000",
                    "status_ukm": "Non-UKM",
                },
                {
                    "kd_rup": "53700001",
                    "nama_paket": "Pembangunan Jalan Lingkar",
                    "jenis_pengadaan": "2",
                    "pagu": "21500000000",
                    "status_ukm": "Non-UKM",
                },
            ]
        },
        runner=_json_spend.run_reserved_package,
    ),
    Rule(
        name="enterprise_size",
        computation="C19",
        title_id="Ukuran usaha (UMKM)",
        title_en="Enterprise size",
        description=(
            "Micro, small, medium or large by business capital (excluding land and buildings) or "
            "annual sales."
        ),
        legal_basis="PP 7/2021 Pasal 35",
        inputs="- `modal_usaha` (money) and/or `hasil_penjualan` (money, annual).",
        example_input={"modal_usaha": "3500000000", "hasil_penjualan": "12000000000"},
        runner=_json_spend.run_enterprise_size,
    ),
    Rule(
        name="indicator_p3dn",
        computation="C20",
        title_id="Indikator % realisasi TKDN, PDN dan/atau UMKK",
        title_en="Indicator: % realised spending on TKDN, PDN and/or UMKK products",
        description=(
            "The customer-defined performance indicator: realised spending on TKDN, PDN or UMKK "
            "products (each rupiah once) over total realised goods/services spending, against the "
            "quarter's target. The definition used is returned with the result."
        ),
        legal_basis=(
            "Indikator kinerja daerah (definisi pengguna); Perpres 12/2021 Pasal 65-66; "
            "Inpres 2/2022"
        ),
        inputs=(
            "- `belanja` (list): `uraian`, `nilai` (money), `tkdn`, `pdn`, `umkk` (bools)\n- "
            "`total_realisasi` (money, default the sum of the lines)\n- `triwulan` (1-4, "
            "optional)\n- `target` (fraction, optional; default from params for the quarter)."
        ),
        example_input={
            "triwulan": 4,
            "total_realisasi": "1000000000",
            "belanja": [
                {
                    "uraian": "Laptop bersertifikat TKDN",
                    "nilai": "450000000",
                    "tkdn": True,
                    "pdn": True,
                },
                {"uraian": "Katering UMKM lokal", "nilai": "150000000", "pdn": True, "umkk": True},
                {"uraian": "Jasa kebersihan koperasi", "nilai": "100000000", "umkk": True},
                {"uraian": "Perangkat jaringan impor", "nilai": "300000000"},
            ],
        },
        runner=_json_spend.run_indicator_p3dn,
    ),
    Rule(
        name="region_code",
        computation="C22",
        title_id="Kode wilayah Kemendagri",
        title_en="Kemendagri region code",
        description=(
            "Validates a Kemendagri region code and gives its level, parent, kabupaten/kota and "
            "desa/kelurahan."
        ),
        legal_basis="Kepmendagri 300.2.2-2138 Tahun 2025",
        inputs="- `kode` (text, e.g. 33.73.04.1001).",
        example_input={"kode": "33.73.04.1001"},
        runner=_json_spend.run_region_code,
    ),
)

RULES: dict[str, Rule] = {rule.name: rule for rule in _RULES}


def run(name: str, payload: object) -> dict[str, Any]:
    """Run the rule ``name`` on ``payload`` (KeyError for an unknown rule name)."""
    return RULES[name].run(payload)
