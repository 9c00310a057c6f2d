"""Markdown is rendered by markdown-it-py and sanitized by nh3: no raw HTML, no script,
links to http(s) and mailto only."""

from html.parser import HTMLParser

import pytest

from competition.markdown import TAGS, render

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    '<svg onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<<script>script>alert(1)<</script>/script>",
    '[x](https://ok.example "title" onclick="alert(1)")',
]


class Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives(payload):
    for tag, attrs in Elements(render(payload)).found:
        assert tag in TAGS
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        if "href" in attrs:
            assert attrs["href"].split(":", 1)[0].lower() in {"http", "https", "mailto"}
        assert "src" not in attrs


def test_markdown_is_rendered():
    html = render(
        "**bold** and *em*, `code`\n\n- one\n- two\n\n[site](https://xacle.example/a?b=1)"
    )
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert 'href="https://xacle.example/a?b=1"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;hi&lt;/b&gt;" in render("<b>hi</b>")
