from django.urls import path

from p3dn.core import views

app_name = "core"
urlpatterns = [path("", views.home, name="home")]
