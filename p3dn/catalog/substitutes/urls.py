from django.urls import path

from p3dn.catalog.substitutes import views

app_name = "substitutes"
urlpatterns = [
    path("cari/substitusi/", views.text_page, name="page"),
    path("dasbor/<int:pk>/substitusi/", views.scan_page, name="scan"),
    path("dasbor/<int:pk>/substitusi/pindai/", views.scan_run, name="run"),
    path("dasbor/<int:pk>/substitusi/unduh.xlsx", views.scan_export, name="export"),
]
