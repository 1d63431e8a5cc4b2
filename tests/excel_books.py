#!/usr/bin/python3
"""excel_books.py: writes the small hand-made workbooks of tests/e2e/excel_input.sh (1904 dates, error cells, hostile ones).

Usage: excel_books.py DIR   (writes DIR/*.xlsx)
"""
import os
import sys
import zipfile

WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<workbookPr{pr}/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        '<Relationship Id="rId3" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>')
STYLES = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
          '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
          '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sst(strings, head=''):
    items = ''.join('<si><t>%s</t></si>' % s for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n%s<sst %s count="%d" uniqueCount="%d">%s</sst>'
            % (head, NS, len(strings), len(strings), items))


def sheet(rows):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, rows)


def book(path, sheet_xml, sst_xml=None, pr=''):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('xl/workbook.xml', WB.format(pr=pr))
        z.writestr('xl/_rels/workbook.xml.rels', RELS)
        z.writestr('xl/styles.xml', STYLES)
        z.writestr('xl/sharedStrings.xml', sst_xml or sst(['id', 'when', 'at', 'value']))
        if isinstance(sheet_xml, str):
            z.writestr('xl/worksheets/sheet1.xml', sheet_xml)
        else:  # a generator of chunks, streamed into the archive
            with z.open('xl/worksheets/sheet1.xml', 'w') as f:
                for chunk in sheet_xml:
                    f.write(chunk)


def header():
    return ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>')


def main(out):
    # 1904 date system: serial 42370 is 2020-01-02; 0.5 past serial 0 is 1904-01-01 12:00.
    rows = header()
    rows += ('<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="1"><v>42370</v></c><c r="C2" s="2"><v>0.5</v></c>'
             '<c r="D2"><v>2.5</v></c></row>')
    rows += ('<row r="3"><c r="A3"><v>2</v></c><c r="B3" s="1"><v>0</v></c><c r="C3" s="2"><v>42370.75</v></c>'
             '<c r="D3" t="e"><v>#DIV/0!</v></c></row>')
    rows += ('<row r="4"><c r="A4"><v>3</v></c><c r="B4" s="1"/><c r="C4" t="e"><v>#N/A</v></c>'
             '<c r="D4" t="inlineStr"><is><t>NA</t></is></c></row>')
    book(os.path.join(out, 'dates1904.xlsx'), sheet(rows), pr=' date1904="1"')
    book(os.path.join(out, 'dates1900.xlsx'), sheet(rows.replace('42370', '43832')))

    # hostile: a sheet of 64 MiB of blanks (compresses about 1000:1)
    def blanks():
        yield ('<?xml version="1.0"?>\n<worksheet %s><sheetData>' % NS).encode()
        for _ in range(64):
            yield b' ' * (1 << 20)
        yield b'</sheetData></worksheet>'
    book(os.path.join(out, 'bomb.xlsx'), blanks())

    # hostile: entity expansion ("billion laughs") in the shared strings
    dtd = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    book(os.path.join(out, 'entities.xlsx'), sheet(header()), sst(['&c;', 'when', 'at', 'value'], dtd))

    # hostile: a cell past column XFD
    book(os.path.join(out, 'farcell.xlsx'), sheet(header() + '<row r="2"><c r="XFE2"><v>1</v></c></row>'))

    # hostile: a shared-string index past the table
    book(os.path.join(out, 'badsst.xlsx'), sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                                                 '<row r="2"><c r="B2" t="s"><v>5</v></c></row>'),
         sst(['only one']))

    # truncated: a good workbook cut in half
    good = os.path.join(out, 'dates1900.xlsx')
    with open(good, 'rb') as f:
        data = f.read()
    with open(os.path.join(out, 'truncated.xlsx'), 'wb') as f:
        f.write(data[:len(data) // 2])


if __name__ == '__main__':
    main(sys.argv[1])
