"""p3dn: monitoring Peningkatan Penggunaan Produk Dalam Negeri for Indonesian regional
governments."""

__version__ = "0.1.0"
