"""The rules library: every DOMAIN.md section-6 computation that needs no database.

Pure Python (stdlib only, no Django). Each rule is a plain typed function citing its legal
basis (obligation, preference, tkdn, tkdn_gabungan, bmp, tkdn_ik, certificates, claims,
indicators, packages, regions); regulation versions are dated data (versions); unconfirmed
values are configuration (params); ``registry.RULES`` runs each rule on a JSON payload
(docs/calc.md).
"""
