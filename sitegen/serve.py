"""Local preview: build once, then serve the output folder on localhost."""

from __future__ import annotations

import functools
import http.server
import sys

from .build import build
from .problems import format_text


def serve(content: str, output: str, port: int) -> int:
    result = build(content, output)
    if result.problems:
        sys.stderr.write(format_text(result.problems))
    if not result.ok:
        print("生成失败，请先修正上面的问题。", file=sys.stderr)
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=output)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）", file=sys.stderr)
        server.serve_forever()
    return 0
