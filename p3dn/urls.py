from django.urls import include, path
from django.views.i18n import set_language

from p3dn.api import api
from p3dn.core import views as core_views

handler400 = "p3dn.core.views.bad_request"

urlpatterns = [
    path("", include("p3dn.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("p3dn.accounts.urls")),
    path("wilayah/", include("p3dn.regions.urls")),
    path("audit/", include("p3dn.audit.urls")),
    path("kalkulator/", include("p3dn.calculators.urls")),
    path("impor/", include("p3dn.imports.urls")),
    path("dasbor/", include("p3dn.monitoring.urls")),
    path("", include("p3dn.catalog.claims.urls")),
    path("dasbor/", include("p3dn.quality.urls")),
    path("", include("p3dn.catalog.urls")),
    path("", include("p3dn.catalog.listings.urls")),
    path("", include("p3dn.catalog.substitutes.urls")),
    path("cari/", include("p3dn.catalog.search.urls")),
    path("", include("p3dn.tkdnik.urls")),
    path("temu-bisnis/", include("p3dn.matching.urls")),
    path("api/v1/", api.urls),
]
