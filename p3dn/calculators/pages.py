"""What each public calculator page asks and shows. The computing is the rules library's:
a page only turns form fields into the rule's JSON payload and the result back into a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Kinds of input and output values:
#   text, choice, bool, date, int: as they are
#   money: rupiah, typed the Indonesian way ("1.050.000.000")
#   percent: typed in percent ("60" or "60,5"), sent to the rule as a fraction ("0.60")
#   number: a plain decimal (volumes)


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str | Promise], ...] = ()
    help: str | Promise = ""
    max_percent: int = 100


@dataclass(frozen=True)
class Table:
    key: str
    label: str | Promise
    columns: tuple[Field, ...]
    extra_rows: int = 2


@dataclass(frozen=True)
class Out:
    key: str
    label: str | Promise
    kind: str = "text"


@dataclass(frozen=True)
class OutTable:
    key: str
    label: str | Promise
    columns: tuple[Out, ...]


@dataclass(frozen=True)
class Page:
    rule: str
    slug: str
    title: str | Promise
    intro: str | Promise
    fields: tuple[Field, ...] = ()
    tables: tuple[Table, ...] = ()
    results: tuple[Out, ...] = ()
    result_tables: tuple[OutTable, ...] = field(default_factory=tuple)
    # Payload entries the page always sends (e.g. the regulation of a form that has only one).
    fixed: dict[str, object] = field(default_factory=dict)
    # The worked example shown first, when the rule's own example is of another form.
    example: dict[str, object] | None = None


ORIGIN = (("dalam_negeri", _("Domestic")), ("luar_negeri", _("Foreign")))
TKDN_REGULATIONS = (
    ("permenperin16_2011", _("Permenperin 16/2011 (until 11 December 2025)")),
    ("permenperin35_2025", _("Permenperin 35/2025 (from 12 December 2025)")),
)
JENIS = (
    ("Barang", _("Goods (Barang)")),
    ("Pekerjaan Konstruksi", _("Construction works")),
    ("Jasa Konsultansi", _("Consultancy services")),
    ("Jasa Lainnya", _("Other services")),
)

COST_OUT = OutTable(
    "lines",
    _("Cost lines"),
    (
        Out("uraian", _("Description")),
        Out("kategori", _("Category")),
        Out("biaya", _("Cost"), "money"),
        Out("kdn", _("Domestic component (KDN)"), "money"),
        Out("dasar", _("Counted as")),
    ),
)
CATEGORY_OUT = OutTable(
    "kategori",
    _("By category"),
    (
        Out("kategori", _("Category")),
        Out("biaya", _("Cost"), "money"),
        Out("kdn", _("KDN"), "money"),
        Out("kln", _("KLN"), "money"),
    ),
)
TKDN_OUT = (
    Out("tkdn", _("TKDN"), "percent"),
    Out("total_biaya", _("Total cost"), "money"),
    Out("kdn", _("Domestic component (KDN)"), "money"),
    Out("kln", _("Foreign component (KLN)"), "money"),
)

REGULATION = Field("regulation", _("Regulation"), "choice", choices=TKDN_REGULATIONS)


def cost_lines(
    categories: tuple[tuple[str, str | Promise], ...],
    origin_help: str | Promise,
    *,
    country: bool = False,
    tier2: bool = False,
) -> Table:
    """The cost-line table of the TKDN goods and services pages."""
    columns = [
        Field("uraian", _("Description")),
        Field("kategori", _("Category"), "choice", choices=categories),
        Field("biaya", _("Cost (Rp)"), "money"),
    ]
    if country:
        columns.append(
            Field(
                "negara",
                _("Country of origin"),
                "country",
                required=False,
                help=_("Indonesia means domestic; any other country foreign."),
            )
        )
    columns += [
        Field("asal", _("Origin"), "choice", required=False, choices=ORIGIN, help=origin_help),
        Field("kdn", _("Or domestic part (Rp)"), "money", required=False),
    ]
    if tier2:
        columns.append(Field("lapis2", _("Tier-2 item"), "bool", required=False))
    return Table("lines", _("Cost lines"), tuple(columns))


PAGES: tuple[Page, ...] = (
    Page(
        "tkdn_barang",
        "tkdn-barang",
        _("TKDN of goods"),
        _(
            "Enter the per-unit cost of the finished good: direct material, direct labour and "
            "factory overhead, without profit, company overhead or VAT. Each line is domestic or "
            "foreign by country of origin (material), citizenship (labour) or ownership (tools); "
            "or give its domestic part in rupiah."
        ),
        fields=(REGULATION,),
        tables=(
            cost_lines(
                (
                    ("material", _("Direct material")),
                    ("tenaga_kerja", _("Direct labour")),
                    ("overhead", _("Factory overhead")),
                ),
                _("Indonesia / WNI / domestic-owned tools = domestic"),
                country=True,
                tier2=True,
            ),
        ),
        results=TKDN_OUT,
        result_tables=(CATEGORY_OUT, COST_OUT),
    ),
    Page(
        "tkdn_jasa",
        "tkdn-jasa",
        _("TKDN of services"),
        _(
            "Enter the cost of the service on site: labour (by citizenship), work tools and "
            "facilities (by ownership or origin) and general services."
        ),
        fields=(REGULATION,),
        tables=(
            cost_lines(
                (
                    ("tenaga_kerja", _("Labour")),
                    ("alat_kerja", _("Work tools and facilities")),
                    ("jasa_umum", _("General services")),
                ),
                _("WNI labour / tools owned in Indonesia = domestic"),
            ),
        ),
        results=TKDN_OUT,
        result_tables=(CATEGORY_OUT, COST_OUT),
    ),
    Page(
        "tkdn_gabungan",
        "tkdn-gabungan",
        _("Combined TKDN of goods and services"),
        _(
            "The recap form of Permenperin 16/2011: total and foreign value of the goods part "
            "and of the services part."
        ),
        fields=(
            Field("barang.total", _("Goods: total value (Rp)"), "money"),
            Field("barang.kln", _("Goods: foreign component (Rp)"), "money", required=False),
            Field("jasa.total", _("Services: total value (Rp)"), "money"),
            Field("jasa.kln", _("Services: foreign component (Rp)"), "money", required=False),
        ),
        results=(
            Out("tkdn", _("Combined TKDN"), "percent"),
            Out("nilai_gabungan", _("Combined value"), "money"),
        ),
        result_tables=(
            OutTable(
                "komponen",
                _("Parts"),
                (
                    Out("uraian", _("Part")),
                    Out("nilai", _("Value"), "money"),
                    Out("tkdn", _("TKDN"), "percent"),
                    Out("proporsi", _("Share"), "percent"),
                    Out("kontribusi", _("Contribution"), "percent"),
                ),
            ),
        ),
        fixed={"regulation": "permenperin16_2011"},
    ),
    Page(
        "tkdn_gabungan",
        "tkdn-gabungan-2025",
        _("Combined TKDN under Permenperin 35/2025"),
        _(
            "Each component of the package with its own TKDN and its value (or its share): the "
            "combined TKDN is the sum of TKDN × share."
        ),
        tables=(
            Table(
                "komponen",
                _("Components"),
                (
                    Field("uraian", _("Description")),
                    Field(
                        "jenis",
                        _("Kind"),
                        "choice",
                        choices=(("barang", _("Goods")), ("jasa", _("Services"))),
                    ),
                    Field("tkdn", _("TKDN (%)"), "percent"),
                    Field("nilai", _("Value (Rp)"), "money"),
                ),
            ),
        ),
        results=(
            Out("tkdn", _("Combined TKDN"), "percent"),
            Out("nilai_gabungan", _("Combined value"), "money"),
        ),
        result_tables=(
            OutTable(
                "komponen",
                _("Components"),
                (
                    Out("uraian", _("Description")),
                    Out("jenis", _("Kind")),
                    Out("nilai", _("Value"), "money"),
                    Out("tkdn", _("TKDN"), "percent"),
                    Out("proporsi", _("Share"), "percent"),
                    Out("kontribusi", _("Contribution"), "percent"),
                ),
            ),
        ),
        fixed={"regulation": "permenperin35_2025"},
        example={
            "regulation": "permenperin35_2025",
            "komponen": [
                {"uraian": "Panel surya", "jenis": "barang", "tkdn": "0.45", "nilai": "750000000"},
                {"uraian": "Inverter", "jenis": "barang", "tkdn": "0.25", "nilai": "150000000"},
                {
                    "uraian": "Pemasangan dan uji",
                    "jenis": "jasa",
                    "tkdn": "0.90",
                    "nilai": "100000000",
                },
            ],
        },
    ),
    Page(
        "tkdn_ik",
        "tkdn-ik",
        _("TKDN-IK self-assessment (small industry)"),
        _(
            "Score each component as a share of the product value. Under Permenperin 46/2022 the "
            "scores are capped at 24% material, 10% labour, 4% overhead and 2% development; the "
            "product can be certified from 25%."
        ),
        fields=(
            Field(
                "regulation",
                _("Regulation"),
                "choice",
                choices=(
                    ("permenperin46_2022", _("Permenperin 46/2022")),
                    ("permenperin35_2025", _("Permenperin 35/2025 (self-declare)")),
                ),
            ),
            Field("material", _("Material (%)"), "percent"),
            Field("tenaga_kerja", _("Labour (%)"), "percent"),
            Field("overhead", _("Overhead (%)"), "percent"),
            Field("pengembangan", _("Development (%)"), "percent"),
            Field(
                "modal_usaha",
                _("Business capital (Rp)"),
                "money",
                required=False,
                help=_("Optional: checks the small-industry criterion."),
            ),
        ),
        results=(
            Out("tkdn_ik", _("TKDN-IK"), "percent"),
            Out("minimum", _("Minimum"), "percent"),
            Out("dapat_disertifikasi", _("Certifiable"), "bool"),
            Out("industri_kecil", _("Small industry"), "bool"),
            Out("masa_berlaku_tahun", _("Validity (years)"), "int"),
        ),
        result_tables=(
            OutTable(
                "komponen",
                _("Components"),
                (
                    Out("komponen", _("Component")),
                    Out("skor", _("Score"), "percent"),
                    Out("batas", _("Cap"), "percent"),
                    Out("dihitung", _("Counted"), "percent"),
                ),
            ),
        ),
    ),
    Page(
        "bmp",
        "bmp",
        _("Company benefit weight (BMP)"),
        _(
            "Tick the factors the company meets; BMP is the sum of their weights, at most 15%. "
            "With a TKDN, the page also gives TKDN + BMP."
        ),
        fields=(
            REGULATION,
            Field("tkdn", _("TKDN (%)"), "percent", required=False),
        ),
        tables=(
            Table(
                "faktor",
                _("Factors met"),
                (
                    Field("kode", _("Factor"), "choice", choices=()),  # filled from the rule's menu
                    Field(
                        "capaian",
                        _("Achievement (%)"),
                        "percent",
                        required=False,
                        help=_("Empty means fully met."),
                    ),
                ),
                extra_rows=3,
            ),
        ),
        results=(
            Out("bmp", _("BMP"), "percent"),
            Out("bmp_sebelum_batas", _("Before the cap"), "percent"),
            Out("tkdn_plus_bmp", _("TKDN + BMP"), "percent"),
        ),
        result_tables=(
            OutTable(
                "faktor",
                _("Factors"),
                (
                    Out("label", _("Factor")),
                    Out("bobot", _("Weight"), "percent"),
                    Out("capaian", _("Achievement"), "fraction_percent"),
                    Out("nilai", _("Value"), "percent"),
                    Out("confidence", _("Source")),
                ),
            ),
        ),
    ),
    Page(
        "hea",
        "preferensi-harga",
        _("Price preference and HEA"),
        _(
            "Evaluate a tender with price preference: enter the bids with their price after "
            "arithmetic correction (HP) and TKDN. The final evaluated price (HEA) decides the "
            "ranking; on a tie the higher TKDN wins."
        ),
        fields=(
            Field("jenis", _("Type of procurement"), "choice", choices=JENIS),
            Field("hps", _("HPS (Rp)"), "money"),
            Field("preferensi_tertinggi", _("Highest preference (%)"), "percent", max_percent=25),
            Field(
                "formula",
                _("HEA formula"),
                "choice",
                choices=(
                    ("perpres12_2021", _("HEA = (1 − KP) × HP (Perpres 12/2021, default)")),
                    ("legacy", _("HEA = HP / (1 + KP) (older formula)")),
                ),
            ),
        ),
        tables=(
            Table(
                "bids",
                _("Bids"),
                (
                    Field("name", _("Bidder")),
                    Field("hp", _("HP (Rp)"), "money"),
                    Field("tkdn", _("TKDN (%)"), "percent"),
                ),
            ),
        ),
        results=(
            Out("winner", _("Winner")),
            Out("eligible", _("Preference applies"), "bool"),
            Out("formula", _("Formula")),
        ),
        result_tables=(
            OutTable(
                "bids",
                _("Ranking"),
                (
                    Out("rank", _("Rank"), "int"),
                    Out("name", _("Bidder")),
                    Out("hp", _("HP"), "money"),
                    Out("tkdn", _("TKDN"), "percent"),
                    Out("kp", _("KP"), "percent"),
                    Out("hea", _("HEA"), "money2"),
                ),
            ),
        ),
    ),
    Page(
        "pdn_obligation",
        "kewajiban-pdn",
        _("Obligation to use domestic products"),
        _(
            "List the candidate products for one need. The buyer must use domestic products when "
            "a certified domestic product has TKDN + BMP of at least 40%."
        ),
        tables=(
            Table(
                "candidates",
                _("Candidate products"),
                (
                    Field("name", _("Product")),
                    Field("tkdn", _("TKDN (%)"), "percent", required=False),
                    Field("bmp", _("BMP (%)"), "percent", required=False, max_percent=15),
                    Field("certified", _("TKDN certified"), "bool", required=False),
                ),
            ),
        ),
        results=(
            Out("wajib_pdn", _("Domestic products are obligatory"), "bool"),
            Out("threshold", _("Threshold"), "percent"),
        ),
        result_tables=(
            OutTable(
                "candidates",
                _("Candidates"),
                (
                    Out("name", _("Product")),
                    Out("tkdn_plus_bmp", _("TKDN + BMP"), "percent"),
                    Out("qualifies", _("Meets 40%"), "bool"),
                ),
            ),
        ),
    ),
    Page(
        "tier",
        "tingkat-pembelian",
        _("Purchase tier (Perpres 46/2025)"),
        _(
            "Which products may be bought on a date: before 30 April 2025 the Perpres 12/2021 "
            "rule, from then on the Perpres 46/2025 cascade a–d, then imports."
        ),
        fields=(
            Field("as_of", _("Purchase date"), "date"),
            Field("volume_needed", _("Volume needed"), "number", required=False),
        ),
        tables=(
            Table(
                "candidates",
                _("Candidate products"),
                (
                    Field("name", _("Product")),
                    Field("tkdn", _("TKDN (%)"), "percent", required=False),
                    Field("bmp", _("BMP (%)"), "percent", required=False, max_percent=15),
                    Field("certified", _("TKDN certified"), "bool", required=False),
                    Field("in_siinas", _("In SIINas"), "bool", required=False),
                    Field("available_volume", _("Available volume"), "number", required=False),
                ),
            ),
        ),
        results=(
            Out("tier", _("Tier")),
            Out("regulation", _("Rule in force")),
            Out("allowed", _("May be bought"), "list"),
            Out("imports_allowed", _("Imports allowed"), "bool"),
        ),
        result_tables=(
            OutTable(
                "candidates",
                _("Candidates"),
                (
                    Out("name", _("Product")),
                    Out("groups", _("Groups"), "list"),
                    Out("reason", _("Why")),
                ),
            ),
        ),
    ),
)

PAGES_BY_SLUG = {page.slug: page for page in PAGES}

# How the rules' codes read in a result table (beside the choices of the input columns).
CODE_LABELS: dict[str, str | Promise] = {
    "asal_dalam_negeri": _("domestic origin: 100%"),
    "asal_luar_negeri": _("foreign origin: 0"),
    "kdn": _("traced domestic part"),
    "tkdn_komponen": _("the component's own TKDN"),
    "lapis2_100": _("tier-2 item counted 100%"),
    "lapis2_tidak_memenuhi": _("tier-2 item over the 3%/10% limits: 0"),
    "tidak_terverifikasi": _("not verifiable: 0"),
}
