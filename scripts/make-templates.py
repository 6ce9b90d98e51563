#!/usr/bin/env python3
"""Renders the application-form templates and filled samples listed in seed/templates.toml to
PDF files under public/templates/, with Debian's Chromium and a CJK font (fonts-wqy-microhei).

A maintenance tool: run it after editing seed/templates.toml and commit the PDFs. The portal
serves the committed files; neither the run nor the test command needs this script.
"""
import html
import pathlib
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "public" / "templates"

STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "WenQuanYi Micro Hei", sans-serif; font-size: 11pt; color: #000; }
h1 { text-align: center; font-size: 18pt; margin: 0 0 4mm; }
p.note { text-align: center; color: #444; margin: 0 0 6mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #000; padding: 3mm 3mm; vertical-align: top; text-align: left; }
th { width: 34%; background: #f2f2f2; }
td { height: 9mm; }
td.sample { color: #0b3d91; }
.stamp { margin-top: 10mm; display: flex; justify-content: space-between; }
"""


def page(title, fields, values=None):
    rows = []
    for index, field in enumerate(fields):
        value = html.escape(values[index]) if values else ""
        cls = ' class="sample"' if values else ""
        rows.append(f"<tr><th>{html.escape(field)}</th><td{cls}>{value}</td></tr>")
    heading = f"{html.escape(title)}{'（填写范本）' if values else ''}"
    note = "示例内容仅供参考，请按实际情况填写" if values else "请用黑色签字笔或在线填写；带“*”栏目须填写完整"
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{heading}</title>
<style>{STYLE}</style></head><body><h1>{heading}</h1><p class="note">{note}</p>
<table>{''.join(rows)}</table>
<div class="stamp"><span>申请人（签字或盖章）：</span><span>年　　月　　日</span></div></body></html>"""


def render(html_text, target):
    with tempfile.TemporaryDirectory() as tmp:
        source = pathlib.Path(tmp) / "page.html"
        source.write_text(html_text, encoding="utf-8")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--no-pdf-header-footer",
             f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}", source.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )


def main():
    spec = tomllib.loads((ROOT / "seed" / "templates.toml").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    for template in spec["template"]:
        render(page(template["title"], template["fields"]), OUT / f"{template['file']}.pdf")
        if "sample" in template:
            if len(template["sample"]) != len(template["fields"]):
                sys.exit(f"{template['file']}: sample has a value for every field")
            render(page(template["title"], template["fields"], template["sample"]),
                   OUT / f"{template['file']}-sample.pdf")
    print(f"wrote {len(list(OUT.glob('*.pdf')))} PDF files to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
