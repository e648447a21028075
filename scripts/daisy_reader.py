#!/usr/bin/env python3
"""Open a DAISY 2.02 book with a real reader library and walk it as a listener would.

Usage: daisy_reader.py BOOK_FOLDER

Loads BOOK_FOLDER/ncc.html with the daisy-dtb library (PyPI, installed by
scripts/setup.sh into target/daisy-venv), moves through the table of contents
with its navigators (every heading, every section of its SMIL file, the text
each section shows and every audio clip), then once more at each navigation
level, and prints what the reader saw as JSON on standard output. The Rust test
tests/cli/daisy.rs compares it with the book audio-leaflet meant to write.
Exits non-zero when the book cannot be opened, or when a section's text
reference does not resolve (its document is missing or has no element with
that id), naming each such reference on standard error.
"""

import json
import sys
import typing
import xml.dom.minidom
from xml.parsers.expat import ExpatError

# daisy-dtb 0.0.17 imports typing.override, new in Python 3.12; the machines
# have 3.11. The backport in typing_extensions is the same no-op decorator.
if not hasattr(typing, "override"):
    from typing_extensions import override

    typing.override = override

from daisy_dtb import BookNavigator, DaisyBook, FolderDtbSource, LogLevel  # noqa: E402
from daisy_dtb.utilities import domlib  # noqa: E402

# daisy-dtb 0.0.17 decodes every file with chardet's guess rather than the
# encoding its XML declaration gives. An NCC in UTF-8 with Hebrew or Arabic
# headings is guessed as Windows-1254 and the book does not open. XML files
# are parsed here by their declaration, as XML requires; anything else (the
# audio) still goes through the library's own code.
_guess_and_decode = domlib.DomFactory.create_document_from_bytes


def _parse_by_declaration(data):
    if isinstance(data, bytes) and data.startswith(b"<?xml"):
        try:
            return domlib.Document(xml_node=xml.dom.minidom.parseString(data))
        except ExpatError as e:
            raise SystemExit(f"daisy_reader: not well-formed XML: {e}")
    return _guess_and_decode(data)


domlib.DomFactory.create_document_from_bytes = staticmethod(_parse_by_declaration)


def resolves(book, ref):
    """Whether the reader finds the element a text reference names. (The
    library's own lookup logs a miss and shows an empty text, which an empty
    element would show too.)"""
    doc = book.source.get(ref.resource)
    return isinstance(doc, domlib.Document) and doc.get_element_by_id(ref.fragment) is not None


def walk(folder):
    # A small cache, as a player keeps: each section's text would otherwise
    # read and parse the whole content document again.
    book = DaisyBook(FolderDtbSource(folder, initial_cache_size=16))
    nav = BookNavigator(book)
    toc = []
    entry = nav.toc.first()
    while entry is not None:
        sections = []
        section = nav.sections.first()
        while section is not None:
            clips = []
            clip = nav.clips.first()
            while clip is not None:
                clips.append({"src": clip.src, "begin": clip.begin, "end": clip.end})
                clip = nav.clips.next()
            ref = section.text.reference
            sections.append(
                {
                    "id": section.id,
                    "text": nav.section_text,
                    "text_src": f"{ref.resource}#{ref.fragment}",
                    "text_resolves": resolves(book, ref),
                    "clips": clips,
                }
            )
            section = nav.sections.next()
        toc.append(
            {
                "id": entry.id,
                "level": entry.level,
                "text": nav.toc_text,
                "smil": entry.smil_reference.resource,
                "fragment": entry.smil_reference.fragment,
                "smil_seconds": entry.smil.total_duration,
                "smil_title": entry.smil.title,
                "sections": sections,
            }
        )
        entry = nav.toc.next()

    by_level = {}
    for level in range(1, book.navigation_depth + 1):
        nav.toc.set_nav_level(level)
        ids = []
        entry = nav.toc.first()
        while entry is not None and entry.level == level:
            ids.append(entry.id)
            entry = nav.toc.next()
        by_level[str(level)] = ids
    nav.toc.reset_nav_level()

    return {
        "title": book.title,
        "language": book.langage,
        "depth": book.navigation_depth,
        "total_time": book.get_metadata("ncc:totalTime").content,
        "toc": toc,
        "by_level": by_level,
    }


def main():
    if len(sys.argv) != 2:
        print("usage: daisy_reader.py BOOK_FOLDER", file=sys.stderr)
        return 2
    LogLevel.set(LogLevel.ERROR)
    seen = walk(sys.argv[1])
    json.dump(seen, sys.stdout, ensure_ascii=False, indent=1)
    print()
    unresolved = [
        f"{entry['smil']}#{section['id']}: {section['text_src']}"
        for entry in seen["toc"]
        for section in entry["sections"]
        if not section["text_resolves"]
    ]
    for reference in unresolved:
        print(f"daisy_reader: text not found: {reference}", file=sys.stderr)
    return 1 if unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
