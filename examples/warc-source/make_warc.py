#!/usr/bin/env python3
"""Build ``corpus/warc/news.warc.gz`` from the two HTML pages in ``pages/``.

The result imitates a small Common Crawl News WARC file: one ``warcinfo``
record, then for every page a ``request`` record followed by the matching
``response`` record (an HTTP/1.1 200 reply whose payload is the page).

Each page's target URL is taken from its ``<link rel="canonical">`` tag and
the capture time (``WARC-Date``) is its ``article:published_time`` plus two
hours, so the file does not depend on when the script is run.  Record ids
are derived from the URL, so rebuilding gives the same records.

Usage (warcio is only needed to regenerate the file, not to read this corpus)::

    python3 -m venv /tmp/warcvenv && /tmp/warcvenv/bin/pip install warcio
    /tmp/warcvenv/bin/python examples/warc-source/make_warc.py
"""

import re
import uuid
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
OUT = HERE.parent / "corpus" / "warc" / "news.warc.gz"
WARCINFO_DATE = "2024-05-19T09:59:00Z"  # file opened just before the first capture


def record_id(*parts):
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, "|".join(parts))


def page_meta(html):
    url = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    published = re.search(
        r'<meta property="article:published_time" content="([^"]+)"', html
    ).group(1)
    fetched = datetime.fromisoformat(published) + timedelta(hours=2)
    return url, fetched.astimezone(timezone.utc)


def main():
    with OUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = (
            "software: currents example generator (warcio)\r\n"
            "format: WARC File Format 1.0\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
            "isPartOf: CURRENTS-EXAMPLE-NEWS-2024\r\n"
            "description: Fictional news pages bundled with the currents example corpus\r\n"
        ).encode("utf-8")
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=BytesIO(info), length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo", OUT.name),
                "WARC-Date": WARCINFO_DATE,
                "WARC-Filename": OUT.name,
            },
        ))

        for page in sorted(PAGES.glob("*.html")):
            body = page.read_bytes()
            url, fetched = page_meta(body.decode("utf-8"))
            warc_date = fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
            parts = urlsplit(url)

            req_headers = StatusAndHeaders(
                "GET %s HTTP/1.1" % parts.path,
                [("Host", parts.netloc),
                 ("User-Agent", "currents-example-crawler/1.0"),
                 ("Accept", "text/html,application/xhtml+xml")],
                is_http_request=True,
            )
            request = writer.create_warc_record(
                url, "request", http_headers=req_headers,
                warc_headers_dict={"WARC-Record-ID": record_id("request", url),
                                   "WARC-Date": warc_date},
            )

            resp_headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"),
                 ("Content-Length", str(len(body))),
                 ("Date", fetched.strftime("%a, %d %b %Y %H:%M:%S GMT"))],
                protocol="HTTP/1.1",
            )
            response = writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=resp_headers,
                warc_headers_dict={"WARC-Record-ID": record_id("response", url),
                                   "WARC-Date": warc_date,
                                   "WARC-Concurrent-To": record_id("request", url)},
            )
            writer.write_record(request)
            writer.write_record(response)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
