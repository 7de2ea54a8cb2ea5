from django.urls import path

from p3dn.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/terapkan/", views.apply_valid_rows, name="apply-valid"),
    path("<int:pk>/tutup/", views.decide_closing, {"close": True}, name="confirm-close"),
    path("<int:pk>/tanpa-tutup/", views.decide_closing, {"close": False}, name="keep-open"),
    path("<int:pk>/ulangi/", views.retry, name="retry"),
    path("<int:pk>/galat.<str:fmt>", views.error_download, name="errors"),
    path("templat/<slug:kind>.xlsx", views.template_download, name="template"),
]
