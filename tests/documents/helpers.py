"""Small files of each kind, made here: a PDF, a PNG, an XLSX, text, and files that are refused."""

import io

import openpyxl

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
HTML = b"<html><script>alert(1)</script></html>"


def pdf(marker: str = "") -> bytes:
    """A PDF whose bytes (and so SHA-256) differ by ``marker``."""
    return PDF + f"% {marker}\n".encode()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Rate card"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
