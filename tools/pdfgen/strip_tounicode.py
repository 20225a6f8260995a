"""Copy a PDF with every /ToUnicode entry removed (fonts then carry only their glyph ids:
the "glyphs lost" variant of real dumps).

qpdf expands the file to QDF (one object a block, no object streams, streams uncompressed);
each `/ToUnicode N 0 R` is blanked out with spaces of the same length, so no offset moves;
qpdf then re-packs the file, dropping the CMap streams nothing refers to any more.
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

TOUNICODE = re.compile(rb"/ToUnicode\s+\d+\s+\d+\s+R")


def strip(src, dst):
    with tempfile.TemporaryDirectory() as tmp:
        qdf = Path(tmp) / "expanded.pdf"
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(src), str(qdf)], check=True)
        data = qdf.read_bytes()
        data, n = TOUNICODE.subn(lambda m: b" " * len(m.group(0)), data)
        qdf.write_bytes(data)
        subprocess.run(["qpdf", "--object-streams=generate", "--compress-streams=y", "--recompress-flate",
                        str(qdf), str(dst)], check=True)
    out = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(dst), "-"],
                         check=True, capture_output=True).stdout
    assert b"/ToUnicode" not in out, "a /ToUnicode entry survived"
    return n


if __name__ == "__main__":
    print(strip(sys.argv[1], sys.argv[2]), "ToUnicode entries removed")
