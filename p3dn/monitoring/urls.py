from django.urls import path

from p3dn.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("pemda/<int:pk>/", views.dashboard, name="dashboard"),
    path("peringkat/", views.ranking, name="ranking"),
    path("pemda/<int:pk>/ekspor.<str:fmt>", views.dashboard_export, name="export"),
    path("pemda/<int:pk>/rincian/", views.drill, name="drill"),
    path("pemda/<int:pk>/target/", views.target_edit, name="target"),
]

# Monev
from p3dn.monitoring import views_monev  # noqa: E402

MONEV = "pemda/<int:pk>/monev/"
urlpatterns += [
    path(MONEV, views_monev.monev_home, name="monev"),
    path(MONEV + "snapshot/", views_monev.take_snapshot, name="monev-take"),
    path(MONEV + "jadwal/", views_monev.update_schedule, name="monev-schedule"),
    path(MONEV + "snapshot/<int:snapshot_id>/", views_monev.snapshot_detail, name="monev-snapshot"),
    path(MONEV + "temuan/", views_monev.finding_list, name="monev-findings"),
    path(MONEV + "temuan/baru/", views_monev.create_finding, name="monev-finding-create"),
    path(MONEV + "temuan/<int:finding_id>/", views_monev.finding_detail, name="monev-finding"),
    path(
        MONEV + "temuan/<int:finding_id>/ubah/",
        views_monev.update_finding,
        name="monev-finding-update",
    ),
    path(
        MONEV + "temuan/<int:finding_id>/catatan/",
        views_monev.add_note,
        name="monev-finding-note",
    ),
]

# Reports and compliance
from p3dn.monitoring import views_reports  # noqa: E402

urlpatterns += [
    path("pemda/<int:pk>/kepatuhan/", views_reports.compliance_flags, name="compliance"),
    path(
        "pemda/<int:pk>/kepatuhan/ekspor.xlsx",
        views_reports.compliance_export,
        name="compliance-export",
    ),
    path("pemda/<int:pk>/laporan/", views_reports.report_form, name="report"),
    path("pemda/<int:pk>/laporan.pdf", views_reports.report_pdf, name="report-pdf"),
    path("pemda/<int:pk>/laporan.xlsx", views_reports.report_xlsx, name="report-xlsx"),
    path("peringkat/ekspor.xlsx", views_reports.ranking_export, name="ranking-export"),
]
