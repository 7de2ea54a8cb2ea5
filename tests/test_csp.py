"""The Content-Security-Policy: every page sends one that forbids inline script and style, and
the pages keep to it, in the templates and in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright
from test_browser import CHROMIUM, FLAGS

from conftest import KALBAR_2023_DIR as KALBAR
from conftest import PASSWORD
from p3dn.calculators.pages import PAGES
from p3dn.imports.models import ImportRun
from p3dn.monitoring import charts

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "p3dn" / "templates"
# Rendered only into PDFs by WeasyPrint, never sent to a browser.
PDF_ONLY = {"monitoring/report/report.html", "monitoring/report/_style.html",
            "calculators/print.html"}
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = set(words[1:])
    return directives


def assert_strict(header: str | None) -> None:
    assert header, "no Content-Security-Policy header"
    directives = policy(header)
    for name, sources in EXPECTED.items():
        assert directives.get(name) == sources, (name, header)
    assert "unsafe" not in header


def import_kalbar() -> None:
    from p3dn.imports import services

    for name in ("RUP-PaketPenyedia-Terumumkan.parquet", "SPSE-TenderEkontrak-Kontrak.json"):
        assert services.import_now(actor=None, path=KALBAR / name).status == "applied"


@pytest.mark.django_db
def test_every_kind_of_answer_carries_the_strict_policy(client_for, tim_kalbar, client):
    assert_strict(client.get("/akun/masuk/").headers.get("Content-Security-Policy"))
    signed_in = client_for(tim_kalbar)
    pk = tim_kalbar.pemda_id
    for url in ("/", f"/dasbor/pemda/{pk}/", f"/dasbor/pemda/{pk}/monev/", "/impor/",
                "/kalkulator/", "/api/v1/docs", "/api/v1/pemda", "/tidak-ada/"):
        response = signed_in.get(url)
        assert response.status_code in (200, 404), url
        assert_strict(response.headers.get("Content-Security-Policy"))


def test_no_template_sent_to_a_browser_holds_inline_script_or_style():
    offences = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_ONLY:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (r"<script(?![^>]*\ssrc=)[^>]*>", "inline script"),
            (r"\son[a-z]+\s*=", "inline event handler"),
            (r"\sstyle\s*=", "style attribute"),
            (r"<style\b", "style element"),
            (r"javascript:", "javascript: URL"),
            (r"\shx-on\b|\shx-on:", "hx-on (needs eval)"),
        ):
            offences += [f"{name}: {what}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offences == []


def test_the_chart_stylesheet_is_what_the_charts_need():
    committed = (ROOT / "p3dn/static/p3dn/charts.css").read_text(encoding="utf-8")
    assert committed == charts.stylesheet(), "run scripts/export_chart_css.py"


@pytest.mark.django_db
def test_the_dasbor_embeds_its_charts_without_inline_style(client_for, tim_kalbar):
    import_kalbar()
    html = client_for(tim_kalbar).get(f"/dasbor/pemda/{tim_kalbar.pemda_id}/?tahun=2023")
    page = html.content.decode()
    assert page.count("<svg") == 2 and "p3dn-chart-channels" in page
    assert "<style" not in page and " style=" not in page and "<script>" not in page


# In every document of the browser, before any of its scripts: record CSP violations, and
# count window.print() instead of opening the print dialog.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`
  );
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


@pytest.fixture
def browser_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/install-system-deps.sh")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
        context.add_init_script(WATCH)
        yield context.new_page()
        context.close()
        browser.close()
        connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_pages_raise_no_csp_violation_in_a_real_browser(
    browser_page, live_server, tim_kalbar, dinkes_kalbar
):
    page = browser_page
    import_kalbar()
    run = ImportRun.objects.order_by("-pk").first()
    pk = tim_kalbar.pemda_id
    documents: list[tuple[str, str | None]] = []
    console: list[str] = []
    page.on(
        "response",
        lambda r: documents.append((r.url, r.headers.get("content-security-policy")))
        if r.request.resource_type == "document"
        else None,
    )
    page.on("console", lambda m: console.append(m.text) if "Security Policy" in m.text else None)
    seen: dict[str, list[str]] = {}

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")
        seen[label] = page.evaluate("window.__violations")

    page.goto(f"{live_server.url}/akun/masuk/")
    check("login")
    page.fill("input[name=username]", "tim.kalbar")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    check("home")

    page.goto(f"{live_server.url}/dasbor/pemda/{pk}/?tahun=2023")
    assert page.locator("figure.chart svg").count() == 2
    # The charts keep their look from charts.css: the first bar is filled in the brand colour.
    fill = page.locator("svg.p3dn-chart-channels .color-0 rect").first.evaluate(
        "e => getComputedStyle(e).fill"
    )
    assert fill == "rgb(29, 53, 87)"  # #1d3557, charts.BRAND
    check("dasbor")
    page.locator("table a[href*='sumber=tender&nilai=pdn']").first.click()
    assert "Realisasi PDN" in page.locator("h1").inner_text()
    check("drill-down")

    for label, url in (
        ("monev", f"/dasbor/pemda/{pk}/monev/"),
        ("compliance", f"/dasbor/pemda/{pk}/kepatuhan/?tahun=2023"),
        ("imports", "/impor/"),
        ("import run", f"/impor/{run.pk}/"),
        ("calculators", "/kalkulator/"),
    ):
        page.goto(live_server.url + url)
        check(label)

    page.goto(f"{live_server.url}/kalkulator/{PAGES[0].slug}/")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    check("calculator")

    page.goto(f"{live_server.url}/dasbor/peringkat/")
    page.select_option("select[name=tahun]", "2023")  # the choice submits the form
    page.wait_for_url("**/dasbor/peringkat/?tahun=2023*")
    check("ranking")

    page.goto(f"{live_server.url}/unit/{dinkes_kalbar.pk}/")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("form[data-confirm] button[type=submit]")
    assert asked and page.url.endswith(f"/unit/{dinkes_kalbar.pk}/")
    check("unit")

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.locator(".swagger-ui .try-out__btn").first.click()
    page.locator(".swagger-ui .btn.execute").first.click()
    page.locator(".swagger-ui .responses-table .response-col_status").first.wait_for()
    check("API docs")

    assert {label: v for label, v in seen.items() if v} == {}
    assert console == []
    assert len(documents) >= 12
    for url, header in documents:
        assert header and "script-src 'self'" in header and "unsafe" not in header, url
