"""Tell what kind of non-text file a participant uploaded instead of a CSV, from its bytes."""

from __future__ import annotations

__all__ = ["describe_binary"]

# Leading bytes ("magic numbers") of the files most often uploaded by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls) or other Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PAR1", "a Parquet file"),
    (b"\x93NUMPY", "a NumPy array file (.npy)"),
    (b"\x89HDF", "an HDF5 file"),
    (b"RIFF", "a RIFF file (e.g. a WAV recording)"),
    (b"{\\rtf", "a rich-text document (.rtf)"),
    (b"\xff\xfe", "UTF-16 text (save it as UTF-8)"),
    (b"\xfe\xff", "UTF-16 text (save it as UTF-8)"),
)


def describe_binary(data: bytes) -> str | None:
    """A phrase such as "a ZIP archive" when `data` is not text, else None."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        # .xlsx, .docx and .ods are ZIP archives; their member names give them away.
        head = data[:65536]
        if b"xl/" in head:
            return "an Excel workbook (.xlsx)"
        if b"opendocument.spreadsheet" in head:
            return "a LibreOffice spreadsheet (.ods)"
        if b"word/" in head:
            return "a Word document (.docx)"
        return "a ZIP archive"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"\x80") and len(data) > 1 and 2 <= data[1] <= 5:
        return "a Python pickle"
    if b"\x00" in data[:8192]:
        return "a binary file"
    return None
