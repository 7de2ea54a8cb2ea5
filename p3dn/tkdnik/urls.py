from django.urls import path

from p3dn.tkdnik import views

app_name = "tkdnik"
urlpatterns = [
    path("tkdn-ik/", views.index, name="index"),
    path("tkdn-ik/<int:pemda_id>/", views.pemda_page, name="pemda"),
    path("tkdn-ik/<int:pemda_id>/target/", views.progress, name="progress"),
    path("tkdn-ik/<int:pemda_id>/kandidat/baru/", views.register, name="register"),
    path("tkdn-ik/<int:pemda_id>/onboarding/", views.onboarding, name="onboarding"),
    path("tkdn-ik/<int:pemda_id>/ekspor.xlsx", views.export, name="export"),
    path("tkdn-ik/kandidat/<int:pk>/", views.candidate_page, name="candidate"),
    path("tkdn-ik/kandidat/<int:pk>/<slug:name>/", views.step, name="step"),
]
