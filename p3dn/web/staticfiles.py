"""How the static files are stored for production: `p3dn serve` collects them into
``STATIC_ROOT`` under names that carry a hash of their content (``p3dn.3f2a…css``), which
WhiteNoise serves with ``Cache-Control: max-age=315360000, public, immutable`` since such a name
never changes its content; the pages link those names.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """Hashed names with a gzip copy of each text file beside them. Brotli is left out: it
    costs seconds per megabyte (Swagger UI's bundle is 1.5 MB) at every start of `p3dn serve`,
    for files a fifth smaller than gzip's. Source maps (read by developer tools only) are not
    compressed either."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        if kwargs.get("extensions") is None:
            kwargs["extensions"] = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
        return Compressor(use_brotli=False, **kwargs)
