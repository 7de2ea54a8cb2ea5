"""Monev (monitoring and evaluation): snapshots of a Pemda-year's indicators taken on demand or
on a 7/14-day schedule, the change since the previous one, and findings (temuan) with their
follow-up. The rooms of every app: ``models`` (app_label "monitoring", tables
``monitoring_*``), ``services`` (every write), ``queries``, ``access``, ``views``, ``api``,
``forms``; templates under templates/monitoring/monev/, URLs in p3dn/monitoring/urls.py.
"""
