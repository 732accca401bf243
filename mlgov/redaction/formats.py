"""Streaming readers and writers: CSV and JSON Lines row by row, Parquet by record batch.

Memory stays bounded by one row (CSV, JSON Lines) or one record batch
(Parquet) whatever the object's size. Each reader resolves the Macie marks
that apply to its format, masks, runs the detectors on kept text values,
samples, writes, and raises ``Unparseable`` for anything it cannot read or any
mark that does not fit the object (a row past the end, a field that is not
there): such a finding is about other content, and guessing would leak.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from mlgov.redaction import jsonpath
from mlgov.redaction.core import Masker, Settings, Unparseable
from mlgov.redaction.findings import LineMark, RecordMark
from mlgov.redaction.sampling import Sampler

MAX_LINE_BYTES = 64 * 1024 * 1024
"""A JSON Lines record longer than this is refused rather than read into memory."""
PARQUET_BATCH_ROWS = 16_384


def _kept_positions(names: Sequence[str], keep: Sequence[str], what: str) -> list[int]:
    missing = [name for name in keep if name not in names]
    if missing:
        raise Unparseable(f"kept {what}(s) {', '.join(repr(m) for m in missing)} not in the object (it has: {', '.join(names)})")
    repeated = sorted({name for name in keep if list(names).count(name) > 1})
    if repeated:
        raise Unparseable(f"kept {what}(s) {', '.join(repr(r) for r in repeated)} appear more than once in the object")
    return [list(names).index(name) for name in keep]


def _record_marks(marks: Iterable[RecordMark]) -> dict[int, list[RecordMark]]:
    by_record: dict[int, list[RecordMark]] = defaultdict(list)
    for mark in marks:
        by_record[mark.record_index].append(mark)
    return by_record


def _sweeps(masker: Masker, keep: Sequence[str], header: Sequence[str] = ()) -> dict[str, str]:
    """Kept column -> type, for every type Macie counted beyond what it located there.

    Sweeps name columns, or (CSV cells without a name) column numbers of ``header``."""
    swept: dict[str, str] = {}
    for sweep in masker.plan.sweeps:
        for column in sweep.columns:
            name = header[column - 1] if isinstance(column, int) and 0 < column <= len(header) else column
            if name in keep:
                swept.setdefault(str(name), sweep.kind)
    return swept


class _LineCursor:
    """Which line marks overlap each record, walking records in file order."""

    def __init__(self, marks: Iterable[LineMark]):
        self._pending = sorted(marks, key=lambda mark: mark.start)
        self._next = 0
        self._active: list[LineMark] = []

    def overlapping(self, first: int, last: int) -> list[LineMark]:
        while self._next < len(self._pending) and self._pending[self._next].start <= last:
            self._active.append(self._pending[self._next])
            self._next += 1
        if self._active:
            self._active = [mark for mark in self._active if mark.end >= first]
        return list(self._active)

    def beyond(self) -> list[LineMark]:
        return self._pending[self._next :]


def _check_all_rows_seen(kind_of_place: str, last_seen: int, wanted: Iterable[int], total: str) -> None:
    beyond = [place for place in wanted if place > last_seen]
    if beyond:
        raise Unparseable(
            f"Macie located sensitive data in {kind_of_place} {max(beyond)}, but the object has {total}: the finding is not about this content"
        )


# ---- CSV -------------------------------------------------------------------------------------


def redact_csv(source: BinaryIO, sink: BinaryIO, settings: Settings, masker: Masker, sampler: Sampler | None) -> None:
    outcome, plan = masker.outcome, masker.plan
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    record = 0
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise Unparseable("empty object: no header line") from None
        header_last_line = reader.line_num
        keep = list(settings.keep_columns)
        positions = _kept_positions(header, keep, "column")
        outcome.columns_kept = keep
        outcome.columns_dropped = [name for name in header if name not in keep]
        if plan.records:
            raise Unparseable("the findings locate JSON or Parquet records, not CSV cells: they are not about this object")
        out_position = {column: index for index, column in enumerate(positions)}
        cells: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
        for mark in plan.cells:
            column = _csv_column(header, mark.column_name, mark.column)
            if mark.row <= 1:
                raise Unparseable(f"Macie located {mark.kind} in the header row: column names would carry sensitive data")
            if column in out_position:
                cells[mark.row - 2][out_position[column]] = (mark.kind, "macie")
            else:
                outcome.macie_in_dropped_columns += 1
        swept = {keep.index(name): kind for name, kind in _sweeps(masker, keep, header).items()}
        lines = _LineCursor(plan.lines)
        if lines.overlapping(1, header_last_line):
            raise Unparseable("Macie located sensitive data on the header line: column names would carry sensitive data")
        writer = csv.writer(out := io.TextIOWrapper(sink, encoding="utf-8", newline=""), lineterminator="\n")
        writer.writerow(keep)
        previous_line = header_last_line
        for record, row in enumerate(reader, start=1):
            first_line, previous_line = previous_line + 1, reader.line_num
            if len(row) != len(header):
                raise Unparseable(f"record {record} (line {first_line}) has {len(row)} fields, the header has {len(header)}")
            outcome.rows_read += 1
            row_cells = cells.get(record - 1)
            line_marks = lines.overlapping(first_line, previous_line) if plan.lines else ()
            if sampler is not None and not sampler.keep():
                outcome.macie_in_unsampled_rows += len(row_cells or ()) + len(line_marks)
                continue
            kept = [row[index] for index in positions]
            whole_row = line_marks[0].kind if line_marks else None
            if line_marks:
                outcome.macie_applied += len(line_marks)
            for index, value in enumerate(kept):
                if not value:
                    continue
                mark = row_cells.get(index) if row_cells else None
                kind = mark[0] if mark else whole_row or swept.get(index)
                if kind:
                    kept[index] = masker.masked(keep[index], kind, value)
                    outcome.macie_applied += 1 if mark else 0
                else:
                    kept[index] = masker.scan(keep[index], value)
            writer.writerow(kept)
            outcome.rows_written += 1
        out.flush()
        out.detach()
    except csv.Error as error:
        raise Unparseable(f"not valid CSV at record {record + 1} ({error})") from None
    except UnicodeDecodeError:
        raise Unparseable(f"not UTF-8 text (at record {record + 1})") from None
    _check_all_rows_seen("row", outcome.rows_read + 1, (mark.row for mark in plan.cells), f"{outcome.rows_read + 1} rows with the header")
    if lines.beyond():
        raise Unparseable(f"Macie located sensitive data on line {lines.beyond()[-1].start}, past the end of the object: the finding is not about this content")


def _csv_column(header: Sequence[str], name: str | None, number: int | None) -> int:
    """Header index of a Macie cell: by name when the header has it once, else by number."""
    if name is not None and list(header).count(name) == 1:
        return list(header).index(name)
    if number is not None and 1 <= number <= len(header) and (name is None or header[number - 1] == name):
        return number - 1
    raise Unparseable(f"Macie located data in column {name or number!r}, which this object does not have: the finding is not about this content")


# ---- JSON Lines ------------------------------------------------------------------------------


def redact_jsonl(source: BinaryIO, sink: BinaryIO, settings: Settings, masker: Masker, sampler: Sampler | None) -> None:
    outcome, plan = masker.outcome, masker.plan
    keep = list(settings.keep_columns)
    outcome.columns_kept = keep
    if plan.cells:
        raise Unparseable("the findings locate CSV cells, not JSON records: they are not about this object")
    marks = _record_marks(plan.records)
    for line in plan.lines:
        # One record per line: a line range masks whole records.
        for number in range(line.start, line.end + 1):
            marks[number - 1].append(RecordMark(record_index=number - 1, steps=None, kind=line.kind))
    swept = _sweeps(masker, keep)
    dropped: dict[str, None] = {}
    index = -1
    while True:
        raw = source.readline(MAX_LINE_BYTES + 1)
        if not raw:
            break
        index += 1
        if len(raw) > MAX_LINE_BYTES:
            raise Unparseable(f"line {index + 1} is longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB")
        if not raw.strip():
            continue
        document = _json_object(raw, index + 1)
        outcome.rows_read += 1
        dropped.update((key, None) for key in document if key not in keep)
        record_marks = marks.get(index, ())
        if sampler is not None and not sampler.keep():
            outcome.macie_in_unsampled_rows += len(record_marks)
            continue
        out = {key: document[key] for key in keep if key in document}
        masked = _apply_record_marks(out, record_marks, keep, masker, index)
        for key, value in out.items():
            if key in masked:
                continue
            if key in swept and value not in (None, ""):
                out[key] = masker.masked(key, swept[key], value)
            else:
                out[key] = masker.scan_nested(key, value)
        sink.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        outcome.rows_written += 1
    outcome.columns_dropped = list(dropped)
    _check_all_rows_seen("line", index + 1, (number + 1 for number, listed in marks.items() if listed), f"{index + 1} lines")


def _json_object(raw: bytes, line: int) -> dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise Unparseable(f"line {line} is not UTF-8 text") from None
    except (json.JSONDecodeError, ValueError) as error:
        message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise Unparseable(f"line {line} is not valid JSON ({message})") from None
    if not isinstance(document, dict):
        raise Unparseable(f"line {line} is a JSON {type(document).__name__}, not an object")
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _apply_record_marks(out: dict[str, Any], marks: Iterable[RecordMark], keep: Sequence[str], masker: Masker, index: int) -> set[str]:
    """Apply Macie's marks to one kept record; returns the fields masked whole."""
    outcome = masker.outcome
    whole: set[str] = set()
    for mark in marks:
        if mark.steps is None:
            for key in out:
                out[key] = masker.masked(key, mark.kind, out[key])
                whole.add(key)
            outcome.macie_applied += 1
            continue
        field = mark.steps[0]
        if field not in keep:
            outcome.macie_in_dropped_columns += 1
            continue
        value = jsonpath.get(out, mark.steps)
        if value is jsonpath.MISSING:
            if field not in out:
                raise Unparseable(f"Macie located {mark.kind} in field {field!r} of record {index}, which has no such field: the finding is not about this content")
            # The path reaches inside a value shaped differently than Macie saw: mask the whole field.
            out[field] = masker.masked(field, mark.kind, out[field])
            whole.add(field)
        elif len(mark.steps) == 1:
            out[field] = masker.masked(field, mark.kind, value)
            whole.add(field)
        else:
            jsonpath.replace(out, mark.steps, masker.masked(field, mark.kind, value))
        outcome.macie_applied += 1
    return whole


# ---- Parquet ---------------------------------------------------------------------------------


def redact_parquet(source: BinaryIO, sink: BinaryIO, settings: Settings, masker: Masker, sampler: Sampler | None) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise Unparseable("Parquet needs pyarrow, which this runtime does not have (see the README: Parquet in the export Lambda)") from None
    outcome, plan = masker.outcome, masker.plan
    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise Unparseable(f"not a readable Parquet file ({str(error).splitlines()[0][:200]})") from None
    schema = parquet.schema_arrow
    keep = list(settings.keep_columns)
    _kept_positions(schema.names, keep, "column")
    outcome.columns_kept = keep
    outcome.columns_dropped = [name for name in schema.names if name not in keep]
    if plan.cells or plan.lines:
        raise Unparseable("the findings locate CSV cells or text lines, not Parquet records: they are not about this object")
    marks = _record_marks(plan.records)
    marked = sorted(marks)
    for mark in plan.records:
        if mark.steps and mark.steps[0] not in schema.names:
            raise Unparseable(f"Macie located {mark.kind} in field {mark.steps[0]!r}, which this object does not have: the finding is not about this content")
    swept = _sweeps(masker, keep)
    out_schema = pa.schema([schema.field(name).with_nullable(True) for name in keep])
    writer = pq.ParquetWriter(sink, out_schema)
    offset = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=keep):
            rows = batch.num_rows
            flags = [sampler.keep() for _ in range(rows)] if sampler is not None else None
            here = _batch_marks(marks, marked, offset, rows, flags, keep, outcome)
            columns = []
            for name in keep:
                field = out_schema.field(name)
                text = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
                column = batch.column(name)
                column_marks = here.get(name, {})
                if not text and not column_marks and name not in swept:
                    columns.append(column)
                    continue
                values = column.to_pylist()
                for row, value in enumerate(values):
                    if value is None or (flags is not None and not flags[row]):
                        continue
                    kind = column_marks.get(row) or swept.get(name)
                    if kind:
                        values[row] = masker.masked(name, kind, value, typed_null=not text)
                    elif text and value:
                        values[row] = masker.scan(name, value)
                columns.append(pa.array(values, type=field.type))
            out = pa.RecordBatch.from_arrays(columns, schema=out_schema)
            if flags is not None:
                out = out.filter(pa.array(flags, type=pa.bool_()))
            writer.write_batch(out)
            offset += rows
            outcome.rows_read += rows
            outcome.rows_written += out.num_rows
    except (pa.ArrowException, OSError) as error:
        raise Unparseable(f"not a readable Parquet file ({str(error).splitlines()[0][:200]})") from None
    finally:
        writer.close()
    _check_all_rows_seen("record", offset - 1, (index for index, listed in marks.items() if listed), f"{offset} records (numbered from 0)")


def _batch_marks(
    marks: dict[int, list[RecordMark]], marked: list[int], offset: int, rows: int, flags: list[bool] | None, keep: Sequence[str], outcome: Any
) -> dict[str, dict[int, str]]:
    """Column -> {row in batch: type} for the Macie marks that fall in this batch (``marked``: their sorted indexes), counted."""
    here: dict[str, dict[int, str]] = defaultdict(dict)
    for index in marked[bisect_left(marked, offset) : bisect_left(marked, offset + rows)]:
        row = index - offset
        for mark in marks[index]:
            if flags is not None and not flags[row]:
                outcome.macie_in_unsampled_rows += 1
                continue
            targets = keep if mark.steps is None else [mark.steps[0]]
            if mark.steps is not None and mark.steps[0] not in keep:
                outcome.macie_in_dropped_columns += 1
                continue
            for name in targets:
                here[name].setdefault(row, mark.kind)
            outcome.macie_applied += 1
    return here
