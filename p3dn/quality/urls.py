from django.urls import path

from p3dn.quality import views

app_name = "quality"
urlpatterns = [
    path("pemda/<int:pk>/kualitas-data/", views.quality_page, name="page"),
    path("pemda/<int:pk>/kualitas-data/ekspor.xlsx", views.quality_export, name="export"),
]
