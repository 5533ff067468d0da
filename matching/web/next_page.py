"""Where the browser goes after signing in or switching the language: a path on this site.

`next` comes from the query string or a form, so anyone can write it into a link. A browser
reads the Location it is sent leniently: it drops tabs and newlines anywhere, trims control
characters and spaces, and reads a backslash as a slash, so `/\t/evil.example/` and
`/\\evil.example` lead to another host, and a line break in a header answers 500. Rather than
guess how a browser cleans a value, any value that would need cleaning is refused.
"""

import unicodedata
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri

# A page's path and query string; a longer `next` is not one of ours.
MAX_LENGTH = 2000


def safe_next_page(target: str | None) -> str | None:
    """`target` as an ASCII path on this site, or None when it is not plainly one."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    # Control, format and unassigned characters (C*), spaces and line breaks (Z*, and the
    # ASCII ones, which count as controls), and backslashes: refused wherever they stand.
    if any(c == "\\" or c.isspace() or unicodedata.category(c)[0] in "CZ" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    # Percent-encoded UTF-8 for letters beyond ASCII: a header holds ASCII only.
    return iri_to_uri(target)
