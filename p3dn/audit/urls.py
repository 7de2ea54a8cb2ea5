from django.urls import path

from p3dn.audit import views

app_name = "audit"
urlpatterns = [path("", views.log_list, name="list")]
