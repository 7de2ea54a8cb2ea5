from django.urls import path

from p3dn.regions import views

app_name = "regions"
urlpatterns = [
    path("kode/", views.code_list, name="code-list"),
    path("kode/<int:pk>/hapus/", views.delete_code, name="code-delete"),
]
