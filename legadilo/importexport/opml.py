"""OPML, pure: a streaming reader (lxml iterparse, no entities, no network, elements cleared as read) and a
streaming writer (lxml xmlfile). No database, no validation of URLs: the services decide what to keep."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any

import lxml.etree  # type: ignore[import-untyped]

from legadilo.core.errors import InvalidInput

# Tiny Tiny RSS exports its preferences and labels as top-level outlines: not folders, not feeds.
TTRSS_ARTEFACTS = frozenset({"tt-rss-prefs", "tt-rss-labels", "tt-rss-filters"})
_FEED_TYPES_HINT = frozenset({"rss", "atom"})
_NOT_XML_CHARS = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class OpmlError(InvalidInput):
    """The file is not well-formed XML, not OPML, or carries a DOCTYPE (entities are never expanded)."""


@dataclass(frozen=True)
class OpmlFolder:
    """A folder outline; `path` holds its title and those of the folders around it, outermost first."""

    line: int
    path: tuple[str, ...]


@dataclass(frozen=True)
class OpmlFeed:
    line: int
    url: str  # xmlUrl as written (not validated)
    title: str  # text, else title; "" when the outline has neither
    site_url: str  # htmlUrl as written
    feed_type: str  # the `type` attribute, lower-cased
    folders: tuple[str, ...]  # the enclosing folders, outermost first


@dataclass(frozen=True)
class OpmlIgnored:
    """An outline that is neither a feed nor a folder (reported, never imported)."""

    line: int
    reason: str
    url: str = ""


OpmlItem = OpmlFolder | OpmlFeed | OpmlIgnored


def _local(tag: object) -> str:
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _attributes(element: Any) -> dict[str, str]:
    """Attribute names lower-cased (`xmlUrl`, `xmlurl` and `XMLURL` are all found)."""
    return {_local(name): value for name, value in element.attrib.items()}


def _refuse_doctype(root: Any) -> None:
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.system_url or info.public_id:
        raise OpmlError("not a valid OPML file: it declares a DOCTYPE (entities are refused, never expanded)")


def read_opml(source: str | IO[bytes]) -> Iterator[OpmlItem]:
    """Stream the outlines of an OPML file (a path or a binary file), in document order.

    Folders nest (an outline without `xmlUrl`); an outline with `xmlUrl` is a feed whatever else it holds;
    Tiny Tiny RSS preference/label/filter outlines are skipped with their whole subtree. Elements are cleared
    once read, so memory does not grow with the file.

    Raises:
        OpmlError: malformed XML (with line and column), no <opml> root, no <body>, a DOCTYPE.
    """
    if isinstance(source, str):
        with Path(source).open("rb") as file:  # closed whatever happens (lxml would leave it to the collector)
            yield from read_opml(file)
        return
    events = lxml.etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    walker = _Walker()
    try:
        for event, element in events:
            if event == "end":
                walker.end(element)
            elif (item := walker.start(element)) is not None:
                yield item
    except lxml.etree.XMLSyntaxError as exc:
        line, column = exc.position
        if not walker.seen_root:
            raise OpmlError(f"not an OPML file: {exc.msg} (line {line}, column {column})") from None
        raise OpmlError(f"malformed XML at line {line}, column {column}: {exc.msg}") from None
    if not walker.seen_root:
        raise OpmlError("not an OPML file: it is empty")
    if not walker.seen_body:
        raise OpmlError("not an OPML file: no <body> element")


class _Walker:
    """The reader's state between iterparse events."""

    def __init__(self) -> None:
        # One entry per open <outline> of the body: the folder title it adds to the path (None: nothing).
        self.stack: list[str | None] = []
        self.skipping = 0  # depth inside an ignored subtree (Tiny Tiny RSS preferences)
        self.seen_root = self.seen_body = self.in_body = False

    def start(self, element: Any) -> OpmlItem | None:
        name = _local(element.tag)
        if not self.seen_root:
            if name != "opml":
                raise OpmlError(f"not an OPML file: the root element is <{name or '?'}>, not <opml>")
            _refuse_doctype(element)
            self.seen_root = True
            return None
        if name == "body" and not self.stack:
            self.seen_body = self.in_body = True
            return None
        if name != "outline" or not self.in_body:
            return None
        if self.skipping:
            self.skipping += 1
            self.stack.append(None)
            return None
        item, folder = _outline(element, tuple(title for title in self.stack if title))
        self.stack.append(folder)
        if isinstance(item, OpmlIgnored) and item.reason.startswith("Tiny Tiny RSS"):
            self.skipping = 1
        return item

    def end(self, element: Any) -> None:
        name = _local(element.tag)
        if name == "outline" and self.in_body:
            self.stack.pop()
            self.skipping = max(0, self.skipping - 1)
            _release(element)
        elif name == "body" and not self.stack:
            self.in_body = False
            element.clear()
        elif not self.in_body:
            element.clear()


def _release(element: Any) -> None:
    """Free what has been read: the element's content and the siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _outline(element: Any, folders: tuple[str, ...]) -> tuple[OpmlItem | None, str | None]:
    """What an opening <outline> is, and the folder title it adds for its children."""
    attributes = _attributes(element)
    line = element.sourceline or 0
    title = _clean(attributes.get("text")) or _clean(attributes.get("title"))
    url = attributes.get("xmlurl")
    if url is not None:
        feed = OpmlFeed(
            line=line,
            url=url.strip(),
            title=title,
            site_url=(attributes.get("htmlurl") or "").strip(),
            feed_type=_clean(attributes.get("type")).lower(),
            folders=folders,
        )
        return feed, None
    if not folders and title.lower() in TTRSS_ARTEFACTS:
        return OpmlIgnored(line, f"Tiny Tiny RSS {title.lower().removeprefix('tt-rss-')} outline, not a feed"), None
    outline_type = _clean(attributes.get("type")).lower()
    if outline_type in _FEED_TYPES_HINT or (attributes.get("htmlurl") and not title):
        return OpmlIgnored(line, "feed outline without xmlUrl", attributes.get("htmlurl", "")), None
    if not title:
        return None, None  # an untitled folder: its outlines belong to the enclosing folder
    return OpmlFolder(line, (*folders, title)), title


# --- writer ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFeed:
    title: str
    url: str
    site_url: str = ""


@dataclass(frozen=True)
class ExportFolder:
    title: str
    children: Iterable[ExportFolder | ExportFeed] = field(default_factory=tuple)  # may be lazy


def _xml_text(value: str) -> str:
    """Characters XML 1.0 cannot carry (control characters) are dropped; lxml escapes the rest."""
    return _NOT_XML_CHARS.sub("", value)


def write_opml(
    out: IO[bytes],
    nodes: Iterable[ExportFolder | ExportFeed],
    *,
    created: datetime,
    title: str = "Legadilo feeds export",
) -> None:
    """Write an OPML 2.0 document (UTF-8) to `out` as `nodes` are iterated: nothing is built in memory."""
    with lxml.etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("opml", version="2.0"):
            xf.write("\n  ")
            with xf.element("head"):
                xf.write("\n    ")
                xf.write(_leaf("title", _xml_text(title)))
                xf.write("\n    ")
                xf.write(_leaf("dateCreated", format_datetime(created)))
                xf.write("\n  ")
            xf.write("\n  ")
            with xf.element("body"):
                _write_nodes(xf, nodes, depth=2)
                xf.write("\n  ")
            xf.write("\n")


def _leaf(tag: str, content: str = "", **attributes: str) -> Any:
    element = lxml.etree.Element(tag, attributes)
    if content:
        element.text = content
    return element


def _write_nodes(xf: Any, nodes: Iterable[ExportFolder | ExportFeed], depth: int) -> None:
    indent = "\n" + "  " * depth
    for node in nodes:
        xf.write(indent)
        if isinstance(node, ExportFeed):
            feed_title = _xml_text(node.title) or node.url
            attributes = {"type": "rss", "text": feed_title, "title": feed_title, "xmlUrl": _xml_text(node.url)}
            if node.site_url:
                attributes["htmlUrl"] = _xml_text(node.site_url)
            xf.write(_leaf("outline", **attributes))
            xf.flush()
            continue
        folder_title = _xml_text(node.title)
        with xf.element("outline", text=folder_title, title=folder_title):
            _write_nodes(xf, node.children, depth + 1)
            xf.write(indent)
