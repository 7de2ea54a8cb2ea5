from django.urls import path

from p3dn.catalog import views

app_name = "catalog"
urlpatterns = [
    path("registri/", views.registry_home, name="registry"),
    path("registri/pilih/<slug:kind>/", views.lookup, name="lookup"),
    path("registri/produsen/", views.producer_list, name="producer-list"),
    path("registri/produsen/baru/", views.create_producer, name="producer-create"),
    path("registri/produsen/<int:pk>/", views.producer_detail, name="producer-short"),
    path("registri/produsen/<int:pk>-<slug:slug>/", views.producer_detail,
         name="producer-detail"),
    path("registri/produsen/<int:pk>/ubah/", views.update_producer, name="producer-update"),
    path("registri/produsen/<int:pk>/produk/baru/", views.create_product, name="product-create"),
    path("registri/produk/", views.product_list, name="product-list"),
    path("registri/produk/<int:pk>/", views.product_detail, name="product-short"),
    path("registri/produk/<int:pk>-<slug:slug>/", views.product_detail, name="product-detail"),
    path("registri/produk/<int:pk>/ubah/", views.update_product, name="product-update"),
    path("registri/produk/<int:pk>/sertifikat/baru/", views.create_certificate,
         name="certificate-create"),
    path("registri/sertifikat/", views.certificate_list, name="certificate-list"),
    path("registri/sertifikat/<int:pk>/", views.certificate_detail, name="certificate-detail"),
    path("registri/sertifikat/<int:pk>/ubah/", views.update_certificate,
         name="certificate-update"),
]
