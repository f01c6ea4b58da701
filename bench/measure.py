"""One measured build in a fresh process: prints wall time and peak memory as JSON.

Peak memory is the largest resident set of the build process and of its worker processes
(they run side by side, so their sum bounds the machine's peak from above).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

from accordi import pipeline
from accordi.config import Paths

if __name__ == "__main__":
    content, output, cache, jobs = sys.argv[1:5]
    started = time.perf_counter()
    report = pipeline.build(Paths(content=Path(content), output=Path(output),
                                  cache=Path(cache)), dt.date(2026, 1, 1), workers=int(jobs))
    seconds = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": report.pages, "files": report.files,
                      "rss_mb": me, "worker_rss_mb": workers}))
