"""Site and publication boilerplate: recognised by general rules and left out of what is parsed.

A saved page or a report's text carries words that are not the report's: the
site's navigation ("Skip to content", "Back to top" on its own line, "Share
this post"), cookie banners, the Crown-copyright licence notice with the
archive's address and e-mail, and image credits. Left in, they hide the title
(the first line is a skip link), and they fill the "not linked" list with
names that are nobody's finding ("Information Policy Team", "National
Archives", a postcode).

The rules are about the kind of line, never one site's exact wording:

* navigation: a short line that is only a navigation or sharing action;
* cookies: a short line that speaks of cookies;
* licence: a line that names a licence for re-use, the copyright holder's
  notice, or an address for permissions (an e-mail address, a web address of
  a licence), and the address block around a UK postcode;
* credits: "Image source ..." and "Image caption" lines, and a site's
  disclaimer of responsibility for external sites.

Lines are blanked, not removed, so line numbers (in messages and quotes) stay
those of the file.
"""

from __future__ import annotations

import re

MAX_SHORT = 160
"""A navigation or cookie line is short: a report sentence that mentions cookies is kept."""

_NAVIGATION = re.compile(
    r"(skip to (main )?content|skip navigation|back to top|\(back to top\)|menu|search( this site)?|home|print"
    r"( this page)?|share( this( post| page| article)?)?( on \w+)?|related (posts|links|internet links|content)"
    r"|leave a (reply|comment)|(previous|next) (post|article|page)|log ?in|close|accept"
    r"( all)?( cookies)?|reject( all)?( cookies)?|hide (this )?message|published|view (cookies|settings)|(keep up to date|keep informed|sign up|subscribe|follow us)( (with|to|on) .{1,60})?)[.:!]?",
    re.IGNORECASE,
)
_COOKIES = re.compile(r"\bcookies?\b", re.IGNORECASE)
_LICENCE = re.compile(
    r"open government licen[cs]e|©|\(c\) crown copyright|crown copyright \d{4}|re-use this information"
    r"|third[- ]party copyright|information policy team|nationalarchives|psi@|\b[\w.+-]+@[\w-]+\.[\w.]+\b"
    r"|enquiries regarding this publication|this publication is available (for download )?at",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(image (source|caption|copyright)|photo(graph)?: |getty images)|is not responsible for the content of "
    r"external (sites|websites)",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b")
_ADDRESS_REACH = 4
"""How many short lines before and after a postcode line are taken as its address block."""


def _is_address_line(line: str) -> bool:
    """A line of an address block: short, no sentence inside it."""
    return 0 < len(line) <= 60 and not re.search(r"[.!?](\s|$)", line)


def boilerplate_lines(lines: list[str]) -> set[int]:
    """The (0-based) indexes of the lines that are boilerplate."""
    out: set[int] = set()
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        short = len(line) <= MAX_SHORT
        if (
            (short and _NAVIGATION.fullmatch(line))
            or (short and _COOKIES.search(line))
            or _LICENCE.search(line)
            or _CREDIT.search(line)
        ):
            out.add(i)
        elif len(line) <= 120 and _POSTCODE.search(line):
            out.add(i)
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and abs(j - i) <= _ADDRESS_REACH and _is_address_line(lines[j].strip()):
                    out.add(j)
                    j += step
    return out


_END_OF_ARTICLE = re.compile(
    r"(related (posts|articles|stories|links|internet links|content|topics|reading)|more on this (story|topic)"
    r"|leave a (reply|comment)|\d* ?comments?|you (may|might) also like|most read|read more)[.:]?",
    re.IGNORECASE,
)


def article_end(lines: list[str]) -> int | None:
    """The (0-based) line where a page's own text ends and links to other pages or comments begin."""
    for i, raw in enumerate(lines):
        if i > 2 and _END_OF_ARTICLE.fullmatch(raw.strip()):
            return i
    return None


def strip(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with its boilerplate lines blanked, and the lines blanked (they tell what kind of page it was)."""
    lines = text.split("\n")
    drop = boilerplate_lines(lines)
    blanked = tuple(lines[i].strip() for i in sorted(drop))
    return "\n".join("" if i in drop else line for i, line in enumerate(lines)), blanked
