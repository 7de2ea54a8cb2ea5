from django.urls import path

from p3dn.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("pemda/<int:pk>/", views.dashboard, name="dashboard"),
    path("peringkat/", views.ranking, name="ranking"),
    path("pemda/<int:pk>/ekspor.<str:fmt>", views.dashboard_export, name="export"),
]
