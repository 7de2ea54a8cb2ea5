"""Share-friendly addresses: /katalog-lokal/D107-kabupaten-bandung/, its producers at
…/produsen/12-cv-tenun-sambas/ and products at …/produk/40-kain-tenun/."""

from django.urls import path, register_converter

from p3dn.catalog.listings import views


class KlpdConverter:
    """An LKPP KLPD code (D107): letters and digits, never a hyphen."""

    regex = "[A-Za-z0-9]{1,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KlpdConverter, "klpd")

app_name = "listings"
PEMDA = "katalog-lokal/<klpd:klpd>-<slug:slug>/"
urlpatterns = [
    path("katalog-lokal/", views.index, name="index"),
    path("katalog-lokal/kelola/<int:pemda_id>/", views.manage, name="manage"),
    path("katalog-lokal/kelola/<int:pemda_id>/usulkan/", views.propose, name="propose"),
    path("katalog-lokal/kelola/<int:pemda_id>/target/", views.set_target, name="target"),
    path("katalog-lokal/kelola/<int:pemda_id>/ekspor.xlsx", views.export, name="export"),
    path("katalog-lokal/usulan/<int:pk>/", views.detail, name="detail"),
    path("katalog-lokal/<klpd:klpd>/", views.pemda_short, name="pemda-short"),
    path(PEMDA, views.pemda_page, name="pemda"),
    path(PEMDA + "produk/", views.pemda_products, name="pemda-products"),
    path(PEMDA + "usulkan/", views.propose_public, name="propose-public"),
    path(PEMDA + "produsen/<int:pk>-<slug:item>/", views.producer_page, name="producer"),
    path(PEMDA + "produk/<int:pk>-<slug:item>/", views.product_page, name="product"),
]
