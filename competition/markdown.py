"""Markdown to safe HTML, for the competition's description and rules and the discussion's
posts: CommonMark by markdown-it-py with raw HTML off, then the result sanitized by nh3
(ammonia) to a short list of tags, and links to http(s) and mailto only."""

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")

TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
