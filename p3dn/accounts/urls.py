from django.contrib.auth import views as auth_views
from django.urls import path

from p3dn.accounts import views

app_name = "accounts"
urlpatterns = [
    path("akun/masuk/", views.LoginView.as_view(), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/profil/", views.profile, name="profile"),
    path("akun/token/<int:pk>/cabut/", views.revoke_token, name="revoke-token"),
    path("pemda/", views.pemda_list, name="pemda-list"),
    path("pemda/<int:pk>/", views.pemda_detail, name="pemda-detail"),
    path("pemda/<int:pk>/ubah/", views.update_pemda, name="pemda-update"),
    path("pemda/<int:pk>/unit/baru/", views.create_unit, name="unit-create"),
    path("unit/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("unit/<int:pk>/ubah/", views.update_unit, name="unit-update"),
    path("unit/<int:pk>/hapus/", views.delete_unit, name="unit-delete"),
    path("pengguna/", views.user_list, name="user-list"),
    path("pengguna/baru/", views.create_user, name="user-create"),
    path("pengguna/<int:pk>/", views.update_user, name="user-update"),
    path("pengguna/kunci-masuk/", views.sign_in_locks, name="sign-in-locks"),
    path("pengguna/kunci-masuk/<int:pk>/buka/", views.lift_sign_in_lock, name="sign-in-lock-lift"),
]
