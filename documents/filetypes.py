"""Which files a document may be: judged by the name's extension AND by the first bytes.

A name can say anything; the first bytes (magic numbers, read by the ``filetype`` library)
say what the file is. A document is accepted only where both agree and the type is one
people keep as documents: PDF, images, office documents and plain text. Anything else
(an executable, an archive, HTML or SVG that a browser would run, a ``.pdf`` that is really
a zip) is refused with a sentence saying why. Pure functions over bytes, no Django.
"""

from dataclasses import dataclass

import filetype

# How many leading bytes are read: office formats are zip files whose identifying entry may
# come a few thousand bytes in.
SNIFF_BYTES = 8192

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt

TEXT = "text"
ZIP = "zip"
OLE2 = "ole2"


@dataclass(frozen=True)
class AllowedType:
    """An accepted extension: what its first bytes may be detected as, and the type it is served as."""

    content_type: str
    detected: frozenset[str]


def _allowed(content_type: str, *detected: str) -> AllowedType:
    return AllowedType(content_type, frozenset(detected))


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

# Extension → what the first bytes may be. An office document made by some tools puts its
# identifying zip entry later than the sniffed bytes reach, so a plain zip is accepted for
# the zip-based formats; an OLE2 container likewise for the older office formats.
ALLOWED_TYPES: dict[str, AllowedType] = {
    "pdf": _allowed("application/pdf", "pdf"),
    "png": _allowed("image/png", "png"),
    "jpg": _allowed("image/jpeg", "jpg"),
    "jpeg": _allowed("image/jpeg", "jpg"),
    "gif": _allowed("image/gif", "gif"),
    "webp": _allowed("image/webp", "webp"),
    "tif": _allowed("image/tiff", "tif"),
    "tiff": _allowed("image/tiff", "tif"),
    "docx": _allowed(f"{_OOXML}.wordprocessingml.document", "docx", ZIP),
    "xlsx": _allowed(f"{_OOXML}.spreadsheetml.sheet", "xlsx", ZIP),
    "pptx": _allowed(f"{_OOXML}.presentationml.presentation", "pptx", ZIP),
    "odt": _allowed(f"{_ODF}.text", "odt", ZIP),
    "ods": _allowed(f"{_ODF}.spreadsheet", "ods", ZIP),
    "odp": _allowed(f"{_ODF}.presentation", "odp", ZIP),
    "doc": _allowed("application/msword", "doc", OLE2),
    "xls": _allowed("application/vnd.ms-excel", "xls", OLE2),
    "ppt": _allowed("application/vnd.ms-powerpoint", "ppt", OLE2),
    "rtf": _allowed("application/rtf", "rtf"),
    "txt": _allowed("text/plain; charset=utf-8", TEXT),
    "csv": _allowed("text/csv; charset=utf-8", TEXT),
    "md": _allowed("text/markdown; charset=utf-8", TEXT),
}

ACCEPTED_EXTENSIONS = tuple(f".{extension}" for extension in ALLOWED_TYPES)
ACCEPTED_DESCRIPTION = "PDF, images (PNG, JPEG, GIF, WebP, TIFF), office documents and plain text"


class FileTypeError(ValueError):
    """The file is not of an accepted type, or is not what its name says; the message says which."""


def detect(head: bytes) -> str | None:
    """What the first bytes are: a ``filetype`` extension, ``zip``/``ole2`` for a bare
    container, ``text`` for UTF-8 text without NUL bytes, or None when nothing matches."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.extension)
    if head.startswith(OLE2_SIGNATURE):
        return OLE2
    if _is_text(head):
        return TEXT
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sniffed bytes may end inside a multi-byte character: only that is forgiven.
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type_for(name: str, head: bytes) -> str:
    """The content type to store and serve the file as; ``FileTypeError`` if it is refused."""
    extension = extension_of(name)
    allowed = ALLOWED_TYPES.get(extension)
    if allowed is None:
        shown = f"“.{extension}” files" if extension else "Files without an extension"
        raise FileTypeError(f"{shown} are not accepted; upload {ACCEPTED_DESCRIPTION}.")
    if not head:
        raise FileTypeError("The file is empty.")
    detected = detect(head)
    if detected not in allowed.detected:
        what = "text" if detected == TEXT else (f"{detected.upper()} data" if detected else "of an unknown type")
        raise FileTypeError(
            f"The file is named “.{extension}” but its content is {what}; "
            f"upload {ACCEPTED_DESCRIPTION}, with the extension that matches the content."
        )
    return allowed.content_type
