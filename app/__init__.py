"""Diligence: choose an AI implementation partner, then hold them to results."""

import os

__version__ = "0.1.0"

# numpy's BLAS (OpenBLAS) starts a thread per core for a matrix product, and threads that wait
# spin. The app's products are small (sensitivity: 10,000 weight draws × a dozen sections ×
# the vendors), so on a busy two-core laptop those threads made a product 5-10× slower, not
# faster (docs/performance.md). One thread, unless the person running us chose otherwise; it
# must be set before numpy is first imported, hence here. The same kernel runs either way.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
