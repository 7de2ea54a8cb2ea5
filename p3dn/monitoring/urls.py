from django.urls import path

from p3dn.monitoring import views
from p3dn.monitoring.monev import views as monev_views
from p3dn.monitoring.reports import views as report_views

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
MONEV = "pemda/<int:pk>/monev/"
urlpatterns += [
    path(MONEV, monev_views.monev_home, name="monev"),
    path(MONEV + "snapshot/", monev_views.take_snapshot, name="monev-take"),
    path(MONEV + "jadwal/", monev_views.update_schedule, name="monev-schedule"),
    path(MONEV + "snapshot/<int:snapshot_id>/", monev_views.snapshot_detail, name="monev-snapshot"),
    path(MONEV + "temuan/", monev_views.finding_list, name="monev-findings"),
    path(MONEV + "temuan/baru/", monev_views.create_finding, name="monev-finding-create"),
    path(MONEV + "temuan/<int:finding_id>/", monev_views.finding_detail, name="monev-finding"),
    path(
        MONEV + "temuan/<int:finding_id>/ubah/",
        monev_views.update_finding,
        name="monev-finding-update",
    ),
    path(
        MONEV + "temuan/<int:finding_id>/catatan/",
        monev_views.add_note,
        name="monev-finding-note",
    ),
]

# Reports and compliance
urlpatterns += [
    path("pemda/<int:pk>/kepatuhan/", report_views.compliance_flags, name="compliance"),
    path(
        "pemda/<int:pk>/kepatuhan/ekspor.xlsx",
        report_views.compliance_export,
        name="compliance-export",
    ),
    path("pemda/<int:pk>/laporan/", report_views.report_form, name="report"),
    path("pemda/<int:pk>/laporan.pdf", report_views.report_pdf, name="report-pdf"),
    path("pemda/<int:pk>/laporan.xlsx", report_views.report_xlsx, name="report-xlsx"),
    path("peringkat/ekspor.xlsx", report_views.ranking_export, name="ranking-export"),
]
