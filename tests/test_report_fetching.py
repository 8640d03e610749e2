"""A PDF report is made from what the report holds: its charts by their ``chart:`` names and
inline data, never anything fetched from the network or read from the disk."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO

from matplotlib.figure import Figure
from pypdf import PdfReader

from app.reports.render import pdf_of


def png() -> bytes:
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([1, 2], [2, 1])
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def test_a_pdf_fetches_nothing_from_the_network_or_the_disk(tmp_path):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            body = png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # A stylesheet on disk that would make the page A6 if it were read.
        sheet = tmp_path / "page.css"
        sheet.write_text("@page { size: A6 }")
        html = (f'<link rel="stylesheet" href="file://{sheet}">'
                f'<img src="http://127.0.0.1:{server.server_port}/x.png">'
                f'<img src="{sheet}"><p>Referat</p>')
        pdf = PdfReader(BytesIO(pdf_of(html)))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    page = pdf.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4: the stylesheet was not read
    assert len(page.images) == 0
    assert "Referat" in page.extract_text()


def test_a_pdf_still_shows_its_own_charts_and_inline_images():
    import base64

    image = png()
    inline = base64.b64encode(image).decode()
    html = (f'<img src="chart:trend.png"><img src="data:image/png;base64,{inline}">'
            '<p>Tal</p>')
    page = PdfReader(BytesIO(pdf_of(html, {"trend.png": image}))).pages[0]
    assert len(page.images) == 2
