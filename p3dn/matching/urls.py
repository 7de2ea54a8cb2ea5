"""Business matching pages, under /temu-bisnis/."""

from django.urls import path

from p3dn.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("baru/", views.event_create, name="event-create"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/ubah/", views.event_edit, name="event-edit"),
    path("<int:pk>/undangan/", views.event_guests, name="event-guests"),
    path("<int:pk>/undang/<int:producer_id>/", views.event_invite, name="event-invite"),
    path("<int:pk>/hapus/", views.event_delete, name="event-delete"),
    path("<int:pk>/laporan.xlsx", views.event_export, name="event-export"),
    path("<int:pk>/laporan.pdf", views.event_pdf, name="event-pdf"),
    path("<int:pk>/minat/", views.interest_create, name="interest-create"),
    path("minat/<int:pk>/", views.interest_edit, name="interest-edit"),
    path("minat/<int:pk>/hapus/", views.interest_delete, name="interest-delete"),
    path("permintaan/<int:pemda_id>/", views.demand, name="demand"),
    path("permintaan/<int:pemda_id>/rup/<int:kd_rup>/", views.package_suggestions,
         name="package-suggestions"),
    path("permintaan/<int:pemda_id>/produsen/<int:producer_id>/", views.producer_packages,
         name="producer-packages"),
    path("permintaan/<int:pemda_id>/kebutuhan/baru/", views.need_create, name="need-create"),
    path("kebutuhan/<int:pk>/", views.need_suggestions, name="need-suggestions"),
    path("kebutuhan/<int:pk>/ubah/", views.need_edit, name="need-edit"),
    path("kebutuhan/<int:pk>/hapus/", views.need_delete, name="need-delete"),
]
