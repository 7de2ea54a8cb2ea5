from django.urls import path

from p3dn.catalog.claims import views

app_name = "claims"
urlpatterns = [
    path("registri/klaim/", views.finding_list, name="finding-list"),
    path("registri/klaim/unduh.xlsx", views.finding_export, name="finding-export"),
    path("registri/klaim/<int:pk>/", views.finding_detail, name="finding-detail"),
]
