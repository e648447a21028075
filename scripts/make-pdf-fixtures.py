#!/usr/bin/env python3
"""Make the PDF reader's fixtures in tests/fixtures/pdf/.

Leaflet-like documents are written as flat OpenDocument (.fodt) and turned
into PDF by LibreOffice (`soffice --headless`), so they have the fonts,
subsets and layout a word processor gives. The hostile ones (an image-only
"scan", a file claiming 10,000 pages) and a hand-set page with hyphenated
line ends are written byte by byte here. The encrypted ones (one needing a password to open, one only locked
against editing) are made with qpdf.
Each leaflet also gets `<name>.sentences.txt`: every sentence of its body,
one a line, which the tests look for in the script.

Needs: python3, soffice (libreoffice-writer), qpdf. Run from the repository:
    python3 scripts/make-pdf-fixtures.py
"""

import os
import shutil
import subprocess
import tempfile
import zlib
from xml.sax.saxutils import escape

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pdf")

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)

STYLES = """
<office:font-face-decls>
 <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:margin-bottom="0.2cm"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="11pt"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-bottom="0.4cm"/>
  <style:text-properties fo:font-size="24pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="H1" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/>
  <style:text-properties fo:font-size="16pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="H2" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm"/>
  <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Bold" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-top="0.2cm"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Small" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties fo:font-size="9pt"/>
 </style:style>
 <text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•">
   <style:list-level-properties text:space-before="0.4cm" text:min-label-width="0.5cm"/>
  </text:list-level-style-bullet>
 </text:list-style>
 <text:list-style style:name="Numbers">
  <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">
   <style:list-level-properties text:space-before="0.4cm" text:min-label-width="0.6cm"/>
  </text:list-level-style-number>
 </text:list-style>
</office:styles>
"""

def page_styles(header, footer, columns=False):
    cols = ""
    if columns:
        cols = """<style:style style:name="Cols" style:family="section">
  <style:section-properties><style:columns fo:column-count="2" fo:column-gap="1cm"/></style:section-properties>
 </style:style>"""
    head = f'<style:header><text:p text:style-name="Small">{escape(header)}</text:p></style:header>' if header else ""
    foot = (
        '<style:footer><text:p text:style-name="Small">' + footer + "</text:p></style:footer>"
        if footer
        else ""
    )
    return f"""
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="0.8cm" fo:margin-bottom="0.8cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
  <style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.8cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.8cm"/></style:footer-style>
 </style:page-layout>
 <style:style style:name="Tbl" style:family="table"><style:table-properties style:width="17cm" table:align="left"/></style:style>
 {cols}
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">{head}{foot}</style:master-page>
</office:master-styles>
"""


class Doc:
    """A leaflet being written: its ODF body and its sentences."""

    def __init__(self):
        self.body = []
        self.sentences = []

    def _say(self, text):
        self.sentences.append(text)

    def title(self, text):
        self.body.append(f'<text:h text:style-name="Title" text:outline-level="1">{escape(text)}</text:h>')
        self._say(text)

    def h(self, level, text):
        style = "H1" if level == 1 else "H2"
        self.body.append(f'<text:h text:style-name="{style}" text:outline-level="{level + 1}">{escape(text)}</text:h>')
        self._say(text)

    def bold(self, text):
        self.body.append(f'<text:p text:style-name="Bold">{escape(text)}</text:p>')
        self._say(text)

    def p(self, *sentences, link=None):
        text = escape(" ".join(sentences))
        if link:
            shown, href = link
            text += f' <text:a xlink:type="simple" xlink:href="{escape(href)}">{escape(shown)}</text:a>.'
            self._say(f"{shown}.")
        self.body.append(f'<text:p text:style-name="Standard">{text}</text:p>')
        self.sentences.extend(sentences)

    def items(self, items, numbered=False):
        style = "Numbers" if numbered else "Bullets"
        inner = "".join(
            f'<text:list-item><text:p text:style-name="Standard">{escape(i)}</text:p></text:list-item>' for i in items
        )
        self.body.append(f'<text:list text:style-name="{style}">{inner}</text:list>')
        self.sentences.extend(items)

    def table(self, rows):
        cols = len(rows[0])
        out = [f'<table:table table:name="T{len(self.body)}" table:style-name="Tbl"><table:table-column table:number-columns-repeated="{cols}"/>']
        for row in rows:
            cells = "".join(
                f'<table:table-cell office:value-type="string"><text:p text:style-name="Standard">{escape(c)}</text:p></table:table-cell>'
                for c in row
            )
            out.append(f"<table:table-row>{cells}</table:table-row>")
        out.append("</table:table>")
        self.body.append("".join(out))
        self.sentences.extend(c for row in rows for c in row)

    def columns(self, build):
        self.body.append('<text:section text:style-name="Cols" text:name="Cols">')
        build(self)
        self.body.append("</text:section>")

    def write(self, name, header=None, footer=None, columns=False, sentences=True):
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.2" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">'
            + STYLES
            + page_styles(header, footer, columns)
            + "<office:body><office:text>"
            + "\n".join(self.body)
            + "</office:text></office:body></office:document>\n"
        )
        to_pdf(name, xml)
        if sentences:
            with open(os.path.join(OUT, f"{name}.sentences.txt"), "w") as f:
                f.write("\n".join(self.sentences) + "\n")


def to_pdf(name, xml):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, f"{name}.fodt")
        with open(src, "w") as f:
            f.write(xml)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, src],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.copy(os.path.join(tmp, f"{name}.pdf"), os.path.join(OUT, f"{name}.pdf"))


TOPICS = [
    "your knee", "the wound", "the dressing", "your exercises", "the swelling", "your walking aid",
    "the stitches", "your pain relief", "the physiotherapist", "your recovery",
]
VERBS = ["check", "look after", "rest", "move", "watch", "protect", "clean", "support"]


def filler(n, seed):
    """n plain sentences, different for each seed, as a leaflet's body text."""
    out = []
    for i in range(n):
        t = TOPICS[(seed * 7 + i * 3) % len(TOPICS)]
        v = VERBS[(seed * 5 + i) % len(VERBS)]
        out.append(
            f"On day {seed * 10 + i + 1} it helps to {v} {t} gently and to tell the ward team if anything feels different from the day before."
        )
    return out


FOOTER = 'Knee clinic leaflet 42, page <text:page-number text:select-page="current">1</text:page-number> of <text:page-count>1</text:page-count>'


def knee():
    d = Doc()
    d.title("Caring for your knee after surgery")
    d.p("This leaflet explains how to look after your knee when you go home.", "Please keep it with you.")
    d.h(1, "Before you go home")
    d.p(*filler(6, 1))
    d.h(2, "Pain relief")
    d.p(*filler(5, 2))
    d.bold("Things to bring with you")
    d.items(["A list of the medicines you take", "Loose clothes and flat shoes", "Your walking aid if you have one"])
    d.p(*filler(4, 3))
    d.h(1, "Exercises")
    d.p("Do these exercises three times a day.")
    d.items(
        [
            "Lie on your back with your legs straight.",
            "Bend your knee slowly as far as is comfortable.",
            "Hold for five seconds and then relax.",
        ],
        numbered=True,
    )
    d.p(*filler(8, 4))
    d.h(2, "Who to contact")
    d.table([["Ward 7", "Open day and night"], ["Physiotherapy team", "Monday to Friday"]])
    d.p("You can read more about knee surgery on our website at", link=("www.example.org/knee", "https://www.example.org/knee"))
    d.h(1, "Going back to work")
    d.p(*filler(10, 5))
    d.h(2, "Driving")
    d.p(*filler(8, 6))
    d.h(1, "Questions you may have")
    d.p(*filler(12, 7))
    d.write("knee", header="Orthopaedics: patient information", footer=FOOTER)


def columns():
    d = Doc()
    d.title("Eating well before your operation")
    d.p("This page is set in two columns, as many leaflets are.")

    def body(d):
        d.h(1, "Why food matters")
        d.p(*filler(5, 11))
        d.h(1, "What to eat")
        d.p(*filler(5, 12))
        d.items(["Fruit and vegetables", "Bread, rice or pasta", "Milk and yoghurt"])
        d.h(1, "The night before")
        d.p(*filler(5, 13))

    d.columns(body)
    d.write("two-columns", columns=True)


def long_leaflet():
    """Thirty pages, for the speed check."""
    d = Doc()
    d.title("A long leaflet for timing the reader")
    for s in range(1, 88):
        d.h(1, f"Section {s}")
        d.p(*filler(8, s))
        d.items([f"Point {k} of section {s} is worth remembering." for k in range(1, 4)])
    d.write("long", header="Timing test leaflet", footer=FOOTER, sentences=False)


def raw_pdf(objects, root=1):
    """A PDF file from numbered object bodies (1-based), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def scan():
    """One page holding only a grey picture, as a scanner makes."""
    w = h = 64
    pixels = bytes((x * 4) % 256 for _ in range(h) for x in range(w))
    image = stream(
        zlib.compress(pixels),
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
    )
    content = stream(b"q 500 0 0 700 50 70 cm /Im1 Do Q")
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            content,
            image,
        ]
    )


def many_pages(n=10000):
    """A small file whose page tree lists n pages (all the same page)."""
    kids = b" ".join(b"3 0 R" for _ in range(n))
    content = stream(b"BT /F1 12 Tf 72 720 Td (Page) Tj ET")
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            content,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


def hand_set():
    """A page set line by line in the standard Helvetica fonts: hyphenated
    line ends (a word split, and a compound whose hyphen stays), bullets in
    the Symbol font, and a bold heading named by its font only."""
    lines = [
        (b"F2", 20, 760, b"Physiotherapy after a fall"),
        (b"F1", 11, 730, b"Your physio-"),
        (b"F1", 11, 716, b"therapy starts on the ward and continues at home."),
        (b"F1", 11, 702, b"Good self-"),
        (b"F1", 11, 688, b"care helps you recover sooner."),
        (b"F2", 14, 660, b"Keeping safe"),
        (b"F1", 11, 640, b"Please remember these points."),
    ]
    ops = []
    for font, size, y, text in lines:
        ops.append(b"BT /%s %d Tf 72 %d Td (%s) Tj ET" % (font, size, y, text))
    for i, text in enumerate([b"Wear shoes that fit well.", b"Keep a light on at night."]):
        y = 620 - i * 14
        ops.append(b"BT /F3 11 Tf 80 %d Td (\xb7) Tj ET" % y)
        ops.append(b"BT /F1 11 Tf 92 %d Td (%s) Tj ET" % (y, text))
    content = stream(b"\n".join(ops))
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> >> /Contents 4 0 R >>",
            content,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>",
        ]
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    knee()
    columns()
    long_leaflet()
    for name, data in [("scan", scan()), ("ten-thousand-pages", many_pages()), ("hand-set", hand_set())]:
        with open(os.path.join(OUT, f"{name}.pdf"), "wb") as f:
            f.write(data)
    subprocess.run(
        ["qpdf", "--encrypt", "user", "owner", "256", "--", os.path.join(OUT, "knee.pdf"), os.path.join(OUT, "encrypted.pdf")],
        check=True,
    )
    # Locked against editing only (no password to open): read as usual.
    subprocess.run(
        ["qpdf", "--encrypt", "", "owner", "256", "--", os.path.join(OUT, "two-columns.pdf"), os.path.join(OUT, "owner-locked.pdf")],
        check=True,
    )


if __name__ == "__main__":
    main()
