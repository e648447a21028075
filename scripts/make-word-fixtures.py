#!/usr/bin/env python3
"""Make the Word and OpenDocument test leaflets in tests/fixtures/docx/.

- word-features.docx: Word's own XML written here, part by part (localised
  heading styles, numbered and bullet lists, a table, a hyperlink, a text box
  in mc:AlternateContent, a comment, tracked changes, a footnote, a page
  header and a footer with a PAGE field).
- writer-features.odt and writer-features.docx: one flat OpenDocument file
  (written here) saved by LibreOffice as .odt and as .docx, so both readers
  meet files a real office program wrote. Needs `soffice` (apt-get install
  libreoffice-writer); the generated files are committed, so the tests do not.

Run from the repository root: python3 scripts/make-word-fixtures.py
"""

import os
import shutil
import subprocess
import tempfile
import zipfile

OUT = "tests/fixtures/docx"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
NS = " ".join(
    [
        W,
        R,
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
        'xmlns:v="urn:schemas-microsoft-com:vml"',
        'mc:Ignorable="wps"',
    ]
)


def p(text, style=None, num=None, extra=""):
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}{extra}</w:p>"


def r(text, bold=False):
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def cell(text):
    return f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{p(text)}</w:tc>'


def row(*texts):
    return "<w:tr>" + "".join(cell(t) for t in texts) + "</w:tr>"


TEXT_BOX = (
    "<w:r><mc:AlternateContent>"
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    "<wps:wsp><wps:txbx><w:txbxContent>"
    + p("Call the ward on 01234 567890 if your wound bleeds.")
    + "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
    + p("Call the ward on 01234 567890 if your wound bleeds.")
    + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>"
)

BODY = "".join(
    [
        p("Hip replacement: going home", "Title"),
        p("This leaflet explains how to look after your new hip at home."),
        p("Before you leave", "berschrift1"),
        p(
            "",
            extra=r("You will see the physio\u00adtherapist every day.")
            + "<w:r><w:tab/></w:r>"
            + r("Ask them about \u201cthe stairs\u201d.")
            + "<w:r><w:br/></w:r>"
            + r("They will show you how."),
        ),
        p("What to bring", "Heading2"),
        p("Your walking frame.", num=("2", 0)),
        p("Loose, comfortable clothes.", num=("2", 0)),
        p("Exercises", "UEberschrift2Eigene"),
        p("Lie on your back.", num=("1", 0)),
        p("Bend your knee slowly.", num=("1", 0)),
        p("Hold for five seconds.", num=("1", 1)),
        p("Straighten your leg again.", num=("1", 0)),
        p(
            "",
            extra=r("Please arrive early.")
            + '<w:del w:id="10" w:author="Editor" w:date="2024-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve"> Bring your old appointment card.</w:delText></w:r></w:del>'
            + '<w:ins w:id="11" w:author="Editor" w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve"> Bring a list of your medicines.</w:t></w:r></w:ins>',
        ),
        p(
            "",
            extra='<w:commentRangeStart w:id="0"/>'
            + r("Most people stay in hospital for one to three days.")
            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
            + r(" Some go home on the same day.")
            + '<w:r><w:footnoteReference w:id="1"/></w:r>',
        ),
        p("Useful contacts", "Heading1"),
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>"
        + row("Who", "Telephone")
        + row("Ward 7", "01234 567891")
        + row("Physiotherapy", "01234 567892")
        + "</w:tbl>",
        p(
            "",
            extra=r("Read more on ")
            + '<w:hyperlink r:id="rIdLink"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>our website</w:t></w:r></w:hyperlink>'
            + r(".")
            + TEXT_BOX,
        ),
        p(
            "",
            extra=r("Page ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/" </w:instrText></w:r>'
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + r("example.org")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            + r(" has videos of every exercise."),
        ),
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/></w:sectPr>',
    ]
)

DOCUMENT = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>{BODY}</w:body></w:document>'


def style(sid, name, based=None, outline=None):
    s = f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>'
    if based:
        s += f'<w:basedOn w:val="{based}"/>'
    if outline is not None:
        s += f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>'
    return s + "</w:style>"


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    + style("Title", "Title", "Normal")
    # A German Word names the built-in style "heading 1" but gives it this id.
    + style("berschrift1", "heading 1", "Normal", 0)
    + style("Heading2", "heading 2", "Normal", 1)
    # A style made in a German template: only its name says what it is.
    + style("UEberschrift2Eigene", "Überschrift 2", "Normal")
    + '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:u w:val="single"/></w:rPr></w:style>'
    + "</w:styles>"
)

NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {W}>'
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>"
)

COMMENTS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {W}>'
    '<w:comment w:id="0" w:author="Editor" w:date="2024-01-01T00:00:00Z" w:initials="E">'
    + p("Check the length of stay with the ward manager.")
    + "</w:comment></w:comments>"
)

FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {W}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1">'
    + p("Figures from the hospital audit of 2023.")
    + "</w:footnote></w:footnotes>"
)

HEADER = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {W}>{p("Example Hospitals NHS Foundation Trust")}</w:hdr>'
FOOTER = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {W}><w:p>'
    + r("Page ")
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + r("1")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + r(" of 2. Leaflet 123, review due 2026")
    + "</w:p></w:ftr>"
)

RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships {RELS_NS}>'
    f'<Relationship Id="rIdStyles" Type="{OD}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdNumbering" Type="{OD}/numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rIdComments" Type="{OD}/comments" Target="comments.xml"/>'
    f'<Relationship Id="rIdFootnotes" Type="{OD}/footnotes" Target="footnotes.xml"/>'
    f'<Relationship Id="rIdHeader" Type="{OD}/header" Target="header1.xml"/>'
    f'<Relationship Id="rIdFooter" Type="{OD}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdLink" Type="{OD}/hyperlink" Target="https://www.example.org/hip" TargetMode="External"/>'
    "</Relationships>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships {RELS_NS}>'
    f'<Relationship Id="rId1" Type="{OD}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/>'
    f'<Override PartName="/word/numbering.xml" ContentType="{WML}.numbering+xml"/>'
    f'<Override PartName="/word/comments.xml" ContentType="{WML}.comments+xml"/>'
    f'<Override PartName="/word/footnotes.xml" ContentType="{WML}.footnotes+xml"/>'
    f'<Override PartName="/word/header1.xml" ContentType="{WML}.header+xml"/>'
    f'<Override PartName="/word/footer1.xml" ContentType="{WML}.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Hip replacement: going home</dc:title><dc:creator>Patient Information Team</dc:creator></cp:coreProperties>'
)


def write_docx(path):
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", CORE),
        ("word/document.xml", DOCUMENT),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", STYLES),
        ("word/numbering.xml", NUMBERING),
        ("word/comments.xml", COMMENTS),
        ("word/footnotes.xml", FOOTNOTES),
        ("word/header1.xml", HEADER),
        ("word/footer1.xml", FOOTER),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>Knee replacement exercises</dc:title><dc:language>en-GB</dc:language></office:meta>
 <office:styles>
  <style:default-style style:family="paragraph"><style:text-properties fo:language="en" fo:country="GB"/></style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"><style:text-properties fo:font-size="24pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1" style:class="text"><style:text-properties fo:font-size="18pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
  <text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">
   <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.27cm"/></style:list-level-properties></text:list-level-style-number>
   <text:list-level-style-bullet text:level="2" text:bullet-char="\u25e6"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.905cm"/></style:list-level-properties></text:list-level-style-bullet>
  </text:list-style>
  <text:list-style style:name="List_20_1" style:display-name="List 1">
   <text:list-level-style-bullet text:level="1" text:bullet-char="\u2022"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.635cm" fo:margin-left="1.27cm"/></style:list-level-properties></text:list-level-style-bullet>
  </text:list-style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/><style:header-style><style:header-footer-properties fo:min-height="0cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0cm"/></style:footer-style></style:page-layout>
  <style:style style:name="fr1" style:family="graphic"><style:graphic-properties style:wrap="parallel"/></style:style>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p text:style-name="Standard">Example Hospitals NHS Foundation Trust</text:p></style:header>
   <style:footer><text:p text:style-name="Standard">Page <text:page-number text:select-page="current">1</text:page-number> of <text:page-count>1</text:page-count>. Leaflet 456, review due 2026</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
   <text:tracked-changes text:track-changes="true">
    <text:changed-region xml:id="ct1" text:id="ct1"><text:deletion><office:change-info><dc:creator>Editor</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info><text:p>Bring your old appointment card. </text:p></text:deletion></text:changed-region>
    <text:changed-region xml:id="ct2" text:id="ct2"><text:insertion><office:change-info><dc:creator>Editor</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
   </text:tracked-changes>
   <text:p text:style-name="Title">Knee replacement exercises</text:p>
   <text:p text:style-name="Standard">These exercises help you walk again after your operation.</text:p>
   <text:h text:style-name="Heading_20_1" text:outline-level="1">Every morning</text:h>
   <text:list text:style-name="Numbering_20_123">
    <text:list-item><text:p>Sit on the edge of your bed.</text:p></text:list-item>
    <text:list-item><text:p>Straighten your knee.</text:p>
     <text:list><text:list-item><text:p>Keep your heel on the floor.</text:p></text:list-item></text:list>
    </text:list-item>
    <text:list-item><text:p>Repeat ten times.</text:p></text:list-item>
   </text:list>
   <text:h text:style-name="Heading_20_2" text:outline-level="2">What you need</text:h>
   <text:list text:style-name="List_20_1">
    <text:list-item><text:p>A firm chair.</text:p></text:list-item>
    <text:list-item><text:p>A towel.</text:p></text:list-item>
   </text:list>
   <text:p text:style-name="Standard">Please arrive early. <text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>Bring your walking stick.<text:change-end text:change-id="ct2"/></text:p>
   <text:p text:style-name="Standard">Stop if the pain gets worse.<office:annotation><dc:creator>Editor</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>Ask the physio team to confirm this advice.</text:p></office:annotation> Rest and try again later.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Advice from the 2023 physiotherapy guidance.</text:p></text:note-body></text:note></text:p>
   <text:h text:style-name="Heading_20_1" text:outline-level="1">Contacts</text:h>
   <table:table table:name="Contacts">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row><table:table-cell office:value-type="string"><text:p>Who</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Telephone</text:p></table:table-cell></table:table-row>
    <table:table-row><table:table-cell office:value-type="string"><text:p>Physiotherapy</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>01234 567892</text:p></table:table-cell></table:table-row>
   </table:table>
   <text:p text:style-name="Standard">Read more on <text:a xlink:type="simple" xlink:href="https://www.example.org/knee">our website</text:a>.<draw:frame draw:style-name="fr1" draw:name="Frame1" text:anchor-type="paragraph" svg:width="8cm" draw:z-index="0"><draw:text-box fo:min-height="1cm"><text:p text:style-name="Standard">Call the ward on 01234 567890 if your knee swells.</text:p></draw:text-box></draw:frame></text:p>
  </office:text>
 </office:body>
</office:document>
"""


def write_writer_files():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "writer-features.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(FODT)
        for fmt in ["odt", "docx:MS Word 2007 XML"]:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                 "--convert-to", fmt, "--outdir", tmp, src],
                check=True, stdout=subprocess.DEVNULL,
            )
        for ext in ["odt", "docx"]:
            shutil.copy(os.path.join(tmp, f"writer-features.{ext}"), os.path.join(OUT, f"writer-features.{ext}"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_docx(os.path.join(OUT, "word-features.docx"))
    write_writer_files()
