"""Row plans: which rows of an updated index are old and which are analysed anew.

The expensive part of an offer index is per-offer text analysis (stems, character
n-grams, concepts, expertise, places, language). Every index part therefore keeps
its analysed offers as rows (term counts, presence flags, place weights), and an
update (`OfferIndex.updated`) analyses only the changed offers. A `RowPlan` says,
for each row of the new index, whether it is an old row (by position) or one of the
fresh rows; each part gathers its rows with it and then recomputes its global
statistics (IDF, average length, language means) from the gathered rows, vectorised.

`OfferIndex.build` is the same operation on an empty index with every row fresh, so
an updated index is, array for array, the index a build of the same offers makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["RowPlan"]

I64 = npt.NDArray[np.int64]
T = TypeVar("T", bound=np.generic)


@dataclass(frozen=True, slots=True)
class RowPlan:
    """Where each row of an updated index comes from.

    Attributes:
        take: (n_new,) int64 into the old rows followed by the fresh rows: a value
            `i < n_old` is old row `i`, `n_old + k` is fresh row `k`.
        n_old: Rows of the old index.
        n_fresh: Fresh (newly analysed) rows; each is taken exactly once.
    """

    take: I64
    n_old: int
    n_fresh: int

    @classmethod
    def fresh(cls, n: int) -> RowPlan:
        """The plan of a build: n fresh rows, in order, and no old ones."""
        return cls(np.arange(n, dtype=np.int64), 0, n)

    @property
    def dropped(self) -> I64:
        """Old rows that are not taken (removed, or replaced by a fresh row)."""
        kept = np.zeros(self.n_old, dtype=bool)
        old = self.take[self.take < self.n_old]
        kept[old] = True
        return np.flatnonzero(~kept).astype(np.int64)

    def _runs(self) -> list[tuple[int, int]]:
        """The plan as runs of consecutive source rows: (source start, stop).

        Sources are numbered as in `take`. An update changes a few rows, so it has
        a few runs and each part is copied with a few slices instead of a gather.
        """
        take = self.take
        if take.size == 0:
            return []
        step = np.diff(take) != 1
        # A run does not cross from the old rows into the fresh ones.
        step |= (take[1:] >= self.n_old) & (take[:-1] < self.n_old)
        starts = np.concatenate([[0], np.flatnonzero(step) + 1]).tolist()
        stops = [*starts[1:], take.size]
        return [
            (int(take[a]), int(take[a]) + (b - a))
            for a, b in zip(starts, stops, strict=True)
        ]

    def rows(
        self,
        old: sparse.csr_matrix,
        fresh: sparse.csr_matrix,
        columns: npt.NDArray[np.int32] | None = None,
    ) -> sparse.csr_matrix:
        """The new CSR matrix: old and fresh rows in plan order.

        Args:
            old: The old rows.
            fresh: The fresh rows, in the new column space.
            columns: Where each old column goes in the new column space (None:
                the same columns); entries are kept in their stored order.

        Returns:
            (len(take), fresh.shape[1]) CSR matrix, int32 indices when they fit.
        """
        if old.shape[0] != self.n_old or fresh.shape[0] != self.n_fresh:
            raise ValueError("row counts differ from the plan")
        data: list[npt.NDArray[np.generic]] = []
        indices: list[npt.NDArray[np.integer]] = []
        lengths: list[npt.NDArray[np.integer]] = []
        for start, stop in self._runs():
            source, lo, hi = old, start, stop
            if start >= self.n_old:
                source, lo, hi = fresh, start - self.n_old, stop - self.n_old
            a, b = int(source.indptr[lo]), int(source.indptr[hi])
            cols = source.indices[a:b]
            if columns is not None and source is old:
                cols = columns[cols]
            data.append(source.data[a:b])
            indices.append(cols)
            lengths.append(np.diff(source.indptr[lo : hi + 1]))
        nnz = sum(len(d) for d in data)
        kind = np.int32 if max(nnz, fresh.shape[1]) < 2**31 - 1 else np.int64
        indptr = np.zeros(self.take.size + 1, dtype=kind)
        if lengths:
            np.cumsum(np.concatenate(lengths), out=indptr[1:])
        dtype = np.result_type(old.dtype, fresh.dtype)
        out = sparse.csr_matrix(
            (
                np.concatenate(data).astype(dtype, copy=False)
                if data
                else np.zeros(0, dtype=dtype),
                np.concatenate(indices).astype(kind, copy=False)
                if indices
                else np.zeros(0, dtype=kind),
                indptr,
            ),
            shape=(self.take.size, fresh.shape[1]),
        )
        return out

    def array(self, old: npt.NDArray[T], fresh: npt.NDArray[T]) -> npt.NDArray[T]:
        """The new array: old and fresh rows (axis 0) in plan order."""
        if old.shape[0] != self.n_old or fresh.shape[0] != self.n_fresh:
            raise ValueError("row counts differ from the plan")
        parts = [
            old[start:stop]
            if start < self.n_old
            else fresh[start - self.n_old : stop - self.n_old]
            for start, stop in self._runs()
        ]
        if not parts:
            out: npt.NDArray[T] = np.concatenate([old[:0], fresh[:0]])
            return out
        joined: npt.NDArray[T] = np.concatenate(parts)
        return joined
