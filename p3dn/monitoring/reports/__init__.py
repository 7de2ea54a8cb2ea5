"""The Monev report of a Pemda-year (PDF and Excel), the ranking's and the compliance flags'
Excel, and their pages: ``documents`` builds and writes them, ``views`` serves them."""
