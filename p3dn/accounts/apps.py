from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "p3dn.accounts"
    verbose_name = _("Accounts and government units")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_reference_data, sender=self)


def _load_reference_data(using: str = "default", **kwargs: object) -> None:
    """After every migrate (and test-database flush), make sure the shipped regions, their
    code mappings and their Pemda are there."""
    from django.db import connections

    tables = set(connections[using].introspection.table_names())
    if {"regions_region", "regions_externalcode", "accounts_pemda"} <= tables:
        from p3dn.accounts.services import sync_reference_data

        sync_reference_data()
