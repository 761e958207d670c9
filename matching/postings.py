"""Inverted-index reads of a sparse offer matrix: only the columns a question uses.

A question names a handful of terms, concepts or places; scoring it against every
offer with a CSR product reads every stored entry of the offer set. The offer
matrices are therefore also kept as CSC (built with the index, so updates keep
them in step), and these helpers read only the postings of the question's columns,
with plain numpy on the question side (no scipy objects per question).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["column_mask", "postings_product"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


def postings_product(
    postings: sparse.csc_matrix | None, n: int, columns: I64, values: F32
) -> F32:
    """(n,) `matrix @ q` for a q that is `values` at `columns` and 0 elsewhere.

    Each row sums its float32 products in ascending column order, as scipy's CSR
    product over sorted indices does, so the result is the same to the bit.

    Args:
        postings: The (n, V) matrix as CSC, or None (all zeros).
        n: Number of rows.
        columns: Distinct columns of q's non-zeros.
        values: q at those columns.

    Returns:
        (n,) float32.
    """
    out = np.zeros(n, dtype=np.float32)
    if postings is None or columns.size == 0:
        return out
    order = np.argsort(columns, kind="stable")
    columns, values = columns[order], values[order].astype(np.float32, copy=False)
    bounds = list(
        zip(
            postings.indptr[columns].tolist(),
            postings.indptr[columns + 1].tolist(),
            strict=True,
        )
    )
    lengths = np.array([end - start for start, end in bounds], dtype=np.int64)
    if int(lengths.sum()) == 0:
        return out
    # Every posting of the chosen columns, column after column (contiguous slices).
    rows = np.concatenate([postings.indices[start:end] for start, end in bounds])
    data = np.concatenate([postings.data[start:end] for start, end in bounds])
    np.add.at(out, rows, data * np.repeat(values, lengths))
    return out


def column_mask(matrix: sparse.csc_matrix, column: int) -> npt.NDArray[np.bool_]:
    """(n,) bool: the rows with a non-zero in one column (`matrix[:, column] != 0`)."""
    out = np.zeros(matrix.shape[0], dtype=bool)
    start, end = int(matrix.indptr[column]), int(matrix.indptr[column + 1])
    rows = matrix.indices[start:end]
    out[rows[np.asarray(matrix.data[start:end] != 0)]] = True
    return out
