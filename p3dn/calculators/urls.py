from django.urls import path

from p3dn.calculators import views

app_name = "calculators"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.calculator, name="page"),
]
