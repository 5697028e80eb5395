"""Signs bench/out/unsigned.pdf with pyHanko, the reference Python PAdES signer, with the same P-256 key and
certificate the Rust benchmark used, and prints the median time of one signature (in-process, warm)."""
import io
import json
import statistics
import sys
import time
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out")
signer = signers.SimpleSigner.load(
    str(out / "signer-key.der"), str(out / "signer.der"), ca_chain_files=(str(out / "root.der"),)
)
pdf = (out / "unsigned.pdf").read_bytes()
meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)


def sign_once() -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


signed = sign_once()  # warm-up
(out / "pyhanko-signed.pdf").write_bytes(signed)
runs = []
for _ in range(40):
    start = time.perf_counter()
    sign_once()
    runs.append((time.perf_counter() - start) * 1000)
print(json.dumps({"pyhanko_per_signature_ms": statistics.median(runs), "runs": len(runs)}))
