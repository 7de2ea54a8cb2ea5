from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "p3dn.catalog.search"
    label = "search"
    verbose_name = "Product search"
