from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="page"),
    path("excel/", views.search_export, name="export"),
    path("sinonim/", views.synonym_list, name="synonyms"),
    path("sinonim/baru/", views.synonym_create, name="synonym-create"),
    path("sinonim/<int:pk>/ubah/", views.synonym_update, name="synonym-update"),
]
