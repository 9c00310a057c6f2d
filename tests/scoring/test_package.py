"""The XACLE package read without trusting it: pairs, paths, entries, sizes, encryption."""

import io
import struct
import zipfile

import pytest

from scoring.package import MAX_ENTRIES, Limits, read_package
from scoring.problems import SubmissionError

LIMITS = Limits(package=32 * 1024 * 1024, csv=10 * 1024 * 1024, report=20 * 1024 * 1024)
CSV = b"wav_file_name,prediction_score\n00001.wav,5.0\n"
YAML = b"system_name: X\n"


def make_zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def problems(data: bytes, limits=LIMITS) -> list[str]:
    with pytest.raises(SubmissionError) as caught:
        read_package(data, limits)
    return caught.value.messages()


def test_three_systems_and_a_report():
    files = {f"Sun_NPU_0{i}.{ext}": CSV if ext == "csv" else YAML
             for i in (1, 2, 3) for ext in ("csv", "yaml")}  # fmt: skip
    files["report.pdf"] = b"%PDF-1.4"
    package = read_package(make_zip(files), LIMITS)
    assert [s.name for s in package.systems] == ["Sun_NPU_01", "Sun_NPU_02", "Sun_NPU_03"]
    assert package.systems[0].csv == CSV and package.systems[0].yaml == YAML
    assert package.report_name == "report.pdf"


def test_files_in_a_folder_and_archiver_clutter_are_fine():
    data = make_zip({"Sun/": b"", "Sun/A.csv": CSV, "Sun/A.yml": YAML,
                     "__MACOSX/Sun/._A.csv": b"x", "Sun/.DS_Store": b"x"})  # fmt: skip
    assert [s.name for s in read_package(data, LIMITS).systems] == ["A"]


def test_a_csv_without_its_yaml_and_a_yaml_without_its_csv():
    messages = problems(make_zip({"A.csv": CSV, "B.yaml": YAML}))
    assert messages == [
        "A.csv: has no description: add A.yaml.",
        "B.yaml: has no predictions: add B.csv beside it.",
    ]


def test_two_reports():
    data = make_zip({"A.csv": CSV, "A.yaml": YAML, "a.pdf": b"%PDF", "b.pdf": b"%PDF"})
    assert problems(data) == ["The package holds 2 PDF reports (a.pdf, b.pdf); a team sends one."]


def test_a_path_that_climbs_out_of_the_archive():
    messages = problems(make_zip({"A.csv": CSV, "../A.yaml": YAML}))
    assert messages == ["../A.yaml: climbs out of the archive (..); the package is refused."]


def test_a_path_that_climbs_with_backslashes():
    assert "climbs out" in problems(make_zip({"A.csv": CSV, "x\\..\\..\\A.yaml": YAML}))[0]


@pytest.mark.parametrize("name", ["/etc/A.yaml", "C:/A.yaml", "\\A.yaml"])
def test_an_absolute_path(name):
    messages = problems(make_zip({"A.csv": CSV, name: YAML}))
    assert messages == [f"{name}: has an absolute path; a package holds relative names only."]


def test_more_than_twenty_entries():
    files = {f"S{i:02d}.{ext}": b"x" for i in range(11) for ext in ("csv", "yaml")}
    (message,) = problems(make_zip(files))
    assert message.startswith(f"The package has 22 entries; at most {MAX_ENTRIES}")


def test_a_nested_archive():
    inner = make_zip({"A.csv": CSV})
    messages = problems(make_zip({"A.csv": CSV, "A.yaml": YAML, "more.zip": inner}))
    assert messages == ["more.zip: is an archive inside the package; put its files in directly."]


def test_an_encrypted_entry():
    data = bytearray(make_zip({"A.csv": CSV, "A.yaml": YAML}))
    # Set the "encrypted" flag of the first entry in the central directory.
    at = data.index(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, at + 8)[0]
    struct.pack_into("<H", data, at + 8, flags | 0x1)
    assert problems(bytes(data)) == ["A.csv: is encrypted; send the package without a password."]


def test_a_bomb_that_declares_its_size():
    # 40 MB of zeros compress to a few kilobytes: refused on the declared size, unread.
    bomb = make_zip({"A.csv": b"0" * (40 * 1024 * 1024), "A.yaml": YAML})
    assert len(bomb) < 100_000
    (message,) = problems(bomb)
    assert message.startswith("The package unpacks to 41,943,055 bytes (declared), over the limit")


def _understate(data: bytes, declared: int) -> bytes:
    """The archive with the first entry's uncompressed size rewritten smaller (a bomb that
    lies about its size)."""
    data = bytearray(data)
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def test_a_bomb_that_lies_about_its_size_is_stopped_while_reading():
    bomb = _understate(make_zip({"A.csv": b"0" * (5 * 1024 * 1024), "A.yaml": YAML}), 100)
    (message,) = problems(bomb, Limits(package=20_000, csv=500, report=500))
    assert message.startswith("A.csv: ")
    assert "the 100 bytes it declares" in message


def test_the_unpacked_total_is_limited_while_reading():
    files = {f"S{i}.{ext}": b"1" * 400 for i in range(3) for ext in ("csv", "yaml")}
    limits = Limits(package=2000, csv=1000, report=1000, description=1000)
    messages = problems(make_zip(files), limits)
    assert "unpacks to 2,400 bytes (declared), over the limit of 2,000 bytes" in messages[0]


def test_a_csv_over_the_submission_limit():
    limits = Limits(package=10_000, csv=100, report=100)
    messages = problems(make_zip({"A.csv": b"1" * 200, "A.yaml": YAML}), limits)
    assert messages == ["A.csv: is larger than the limit of 100 bytes."]


def test_a_package_over_its_limit_compressed():
    data = make_zip({"A.csv": CSV, "A.yaml": YAML}, zipfile.ZIP_STORED)
    (message,) = problems(data, Limits(package=50, csv=50, report=50))
    assert message == "The package is larger than the limit of 50 bytes."


def test_not_a_zip():
    assert problems(b"PK\x03\x04 garbage")[0].startswith("The package is not a readable ZIP")


def test_files_that_do_not_belong():
    messages = problems(make_zip({"A.csv": CSV, "A.yaml": YAML, "notes.txt": b"x"}))
    assert messages == [
        "notes.txt: does not belong in a package: only NAME.csv, NAME.yaml and one PDF report."
    ]


def test_an_empty_package():
    assert problems(make_zip({})) == ["The package holds no system: add NAME.csv and NAME.yaml."]


def test_a_report_over_the_report_limit():
    limits = Limits(package=10_000, csv=1000, report=100)
    data = make_zip({"A.csv": CSV, "A.yaml": YAML, "r.pdf": b"%PDF" + b"0" * 200})
    assert problems(data, limits) == ["r.pdf: is larger than the limit of 100 bytes."]


def test_the_declared_entry_count_is_read_before_the_directory(monkeypatch):
    files = {f"S{i:03d}.csv": b"" for i in range(300)}
    data = make_zip(files)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the central directory was parsed")

    monkeypatch.setattr(zipfile, "ZipFile", no_parsing)
    (message,) = problems(data)
    assert message.startswith("The package has 300 entries; at most 20")
