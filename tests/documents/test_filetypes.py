"""Which files a document may be: the extension and the first bytes must agree on an accepted type."""

import pytest

from documents.filetypes import OLE2_SIGNATURE, FileTypeError, content_type_for
from tests.documents.helpers import EXE, HTML, PNG, pdf, xlsx


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("signed.pdf", pdf(), "application/pdf"),
        ("Stamp.PNG", PNG, "image/png"),
        ("rates.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("legacy.doc", OLE2_SIGNATURE + b"\x00" * 600, "application/msword"),
        ("notes.txt", "Überprüft am 3. März\n".encode(), "text/plain; charset=utf-8"),
        ("list.csv", b"a,b\n1,2\n", "text/csv; charset=utf-8"),
    ],
)
def test_accepted_when_name_and_content_agree(name, content, expected):
    assert content_type_for(name, content) == expected


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("setup.exe", EXE, "“.exe” files are not accepted"),
        ("page.html", HTML, "“.html” files are not accepted"),
        ("README", b"text", "Files without an extension are not accepted"),
        ("invoice.pdf", xlsx(), "named “.pdf” but its content is XLSX data"),
        ("invoice.pdf", b"just text", "named “.pdf” but its content is text"),
        ("photo.png", pdf(), "named “.png” but its content is PDF data"),
        ("notes.txt", EXE, "named “.txt” but its content is EXE data"),
        ("notes.txt", b"\x00\x01\x02binary", "named “.txt” but its content is of an unknown type"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_refused_with_the_reason(name, content, reason):
    with pytest.raises(FileTypeError) as refused:
        content_type_for(name, content)
    assert reason in str(refused.value)


def test_text_cut_inside_a_character_is_still_text():
    head = ("é" * 10).encode()[:-1]  # the sniffed bytes end in the middle of "é"
    assert content_type_for("notes.txt", head) == "text/plain; charset=utf-8"
