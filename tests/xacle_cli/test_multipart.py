"""Multipart encoding of an upload, read back with the standard library's MIME parser."""

from __future__ import annotations

import email.parser
import email.policy

from xacle_cli.api import encode_multipart

CSV = b"wav_file_name,prediction_score\r\n00001.wav,5.0\n--not-a-boundary\n"


def parse(body: bytes, content_type: str):
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    return list(message.iter_parts())


def test_it_sends_the_fields_then_the_file_byte_for_byte():
    body, content_type = encode_multipart({"system_name": "Aurora_01"}, {"file": ("p.csv", CSV)})
    assert content_type.startswith("multipart/form-data; boundary=")
    name, file = parse(body, content_type)
    assert name.get_param("name", header="content-disposition") == "system_name"
    assert name.get_payload(decode=True) == b"Aurora_01"
    assert file.get_param("name", header="content-disposition") == "file"
    assert file.get_filename() == "p.csv" and file.get_content_type() == "text/csv"
    assert file.get_payload(decode=True) == CSV


def test_each_body_has_its_own_boundary_and_ends_with_it():
    first, first_type = encode_multipart({"a": "1"}, {})
    second, second_type = encode_multipart({"a": "1"}, {})
    assert first_type != second_type
    boundary = first_type.split("boundary=")[1]
    assert first.startswith(f"--{boundary}\r\n".encode())
    assert first.endswith(f"\r\n--{boundary}--\r\n".encode())


def test_quotes_and_line_breaks_in_names_cannot_break_the_header():
    body, content_type = encode_multipart(
        {"system_name": 'Ünï "x"'}, {"file": ('a"b\r\nc.csv', b"x")}
    )
    assert b'filename="a%22b%0D%0Ac.csv"' in body
    name, file = parse(body, content_type)
    assert name.get_payload(decode=True).decode() == 'Ünï "x"'
    assert file.get_payload(decode=True) == b"x"


def test_an_unknown_kind_of_file_is_sent_as_bytes():
    body, content_type = encode_multipart({}, {"file": ("predictions", b"x")})
    (file,) = parse(body, content_type)
    assert file.get_content_type() == "application/octet-stream"
