"""Many rows in one statement: inserts, updates by primary key, and the flush of changed rows.

One 30-day advance over 10,000 journeys inserts some 250,000 rows and changes some 36,000
(packages, orders, order items). SQLAlchemy's generic paths cost more than the database does for
rows this simple (plain tables: no relationships, no inheritance, no defaults computed on
update, no version counters):

- ``insert_rows`` and ``update_rows`` take plain dicts. On SQLite they go to the driver's
  ``executemany`` through a statement compiled once per table and set of columns, each value
  through its column's own bind processor, column by column: the generic path builds and checks
  a parameter set per row, which cost as much as the insert itself. On PostgreSQL (psycopg)
  inserts of many rows are one ``COPY ... FROM STDIN``, each value through its column's bind
  processor: the generic path sends one INSERT per row (pipelined, but still a statement each;
  SQLAlchemy's "insertmanyvalues" batching applies to psycopg only with RETURNING, and cost more
  than it saved). A seeded fill of 10,000 orders inserts some 100,000 such rows. Updates keep
  the generic path there.
- ``write_changes`` runs before every flush (``Store`` listens for ``before_flush``): it writes
  the changed columns of every modified row with ``update_rows``, one statement per table and
  set of changed columns, and marks those rows unchanged, as the flush itself would have. The
  flush then has only new and deleted rows left to write. It halves what flushing an advance
  costs, and every unit of work goes through it, so every test does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect, Table, and_, bindparam, insert, update
from sqlalchemy.orm import Mapper, Session, UOWTransaction
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.state import InstanceState
from sqlalchemy.sql import ClauseElement

T = TypeVar("T")

# The bound names of the primary key in an update by key (a column's own name is its new value).
KEY_PREFIX = "key_"


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]], *,
                few_statements: bool = False) -> None:
    """Insert ``rows``, dicts with the same keys (the first row's are taken for all, as for
    SQLAlchemy's own executemany: a row missing one is a KeyError).

    ``few_statements``, on SQLite: the rows go as a few INSERTs of many rows each, not one
    executemany, for a thread that writes beside busy request threads (the request journal's
    writer). The driver lets go of the interpreter lock around every statement it runs, and an
    executemany runs one per row: beside a thread that keeps the lock busy, each row then
    waits out a switch interval (5 ms) to take it back. ``bench/inserts.py``, 1.3 KB rows in
    batches of 100 beside a spinning thread: executemany 4.3 ms of wall time and 77 us of CPU
    per row, few INSERTs 0.3 ms and 26 us. Alone, both cost about 9 us a row; the engine's
    inserts, made by the thread of the request or the advance, keep the executemany."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.paramstyle == "qmark":
        compiled = _compiled_insert(table, tuple(rows[0]), dialect)
        if few_statements:
            _many_rows(connection, compiled, rows)
        else:
            _positional(connection, compiled, rows)
        return
    copy = _copy_plan(table, tuple(rows[0]), dialect) if len(rows) >= COPY_FROM else None
    if copy is None:
        connection.execute(insert(table), rows)
        return
    sql, columns = copy
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as out:
        write = out.write_row
        for row in rows:
            write([value if process is None else process(value)
                   for value, process in zip(map(row.__getitem__, columns.names),
                                             columns.processors, strict=True)])


# Fewer rows than this go as INSERTs: a COPY costs a round trip more than a short executemany.
COPY_FROM = 20


@dataclass(frozen=True)
class _CopyColumns:
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]


@lru_cache(maxsize=128)
def _copy_plan(table: Table, columns: tuple[str, ...], dialect: Dialect
               ) -> tuple[str, _CopyColumns] | None:
    """The COPY statement for these columns of ``table`` and each one's bind processor; None
    where a COPY would not insert what an INSERT does (not psycopg, an unknown column, or a
    column left out that an INSERT would give a value computed in Python)."""
    if dialect.driver != "psycopg" or any(name not in table.c for name in columns):
        return None
    if any(column.key not in columns and column.default is not None
           for column in table.columns):
        return None
    preparer = dialect.identifier_preparer
    sql = (f"COPY {preparer.format_table(table)} "
           f"({', '.join(preparer.format_column(table.c[name]) for name in columns)}) "
           f"FROM STDIN")
    return sql, _CopyColumns(columns, tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns))


def update_changed(connection: Connection,
                   changes: Iterable[tuple[Table, dict[str, Any], tuple[str, ...]]]) -> None:
    """Write each change, ``(table, row, columns)``: ``columns`` of ``row``, which holds its
    primary key; one statement per table and set of columns."""
    groups: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for table, row, columns in changes:
        if not columns:
            continue
        params = {name: row[name] for name in columns}
        for column in table.primary_key.columns:
            params[KEY_PREFIX + column.key] = row[column.key]
        groups.setdefault((table, columns), []).append(params)
    for (table, columns), rows in groups.items():
        update_rows(connection, table, columns, rows)


def update_rows(connection: Connection, table: Table, columns: tuple[str, ...],
                rows: list[dict[str, Any]]) -> None:
    """Set ``columns`` of the rows whose primary key each dict gives: every dict holds the new
    value of each of ``columns`` under its name and each key column under ``key_<name>``."""
    if not rows:
        return
    if connection.dialect.paramstyle != "qmark":
        # Parameters named as columns are the SET clause; the others, the key.
        connection.execute(_update_by_key(table), rows)
        return
    _positional(connection, _compiled_update(table, columns, connection.dialect), rows)


Compiled = tuple[str, Callable[[dict[str, Any]], tuple],
                 tuple[tuple[int, Callable[[Any], Any]], ...]]


def _bound(compiled: Compiled, rows: list[dict[str, Any]]) -> list[tuple]:
    """Each row's values in the statement's order, through the columns' bind processors."""
    _sql, values_of, processors = compiled
    # Column by column: the loops over rows run in C, but for the processors themselves.
    values = list(zip(*map(values_of, rows), strict=True))
    for position, process in processors:
        values[position] = map(process, values[position])
    return list(zip(*values, strict=True))


def _positional(connection: Connection, compiled: Compiled, rows: list[dict[str, Any]]) -> None:
    connection.exec_driver_sql(compiled[0], _bound(compiled, rows))


# The rows of one many-row INSERT at most: 256 rows of a table of 16 columns bind 4,096 values,
# well within SQLite's 32,766.
MANY_ROWS = 256


def _many_rows(connection: Connection, compiled: Compiled, rows: list[dict[str, Any]]) -> None:
    sql, flat = compiled[0], _bound(compiled, rows)
    # Chunks of MANY_ROWS, then of halves down to one: a few statement texts per table, which
    # the driver's statement cache keeps compiled.
    start, size = 0, MANY_ROWS
    while start < len(flat):
        while size > len(flat) - start:
            size //= 2
        chunk = flat[start:start + size]
        connection.exec_driver_sql(_rows_sql(sql, size),
                                   tuple(value for row in chunk for value in row))
        start += size


@lru_cache(maxsize=256)
def _rows_sql(sql: str, rows: int) -> str:
    """``INSERT ... VALUES (?, ?)`` as the INSERT of ``rows`` rows."""
    head, _, one = sql.rpartition(" VALUES ")
    if not one.startswith("(") or not one.endswith(")"):
        raise ValueError(f"not an INSERT of one row of values: {sql}")
    return f"{head} VALUES {', '.join([one] * rows)}"


@lru_cache(maxsize=128)
def _compiled_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> Compiled:
    """The insert's SQL for these columns; what takes a row's values in the order the statement
    wants them; and the position and bind processor of each value that has one."""
    return _compiled(table, insert(table), columns, columns, dialect)


@lru_cache(maxsize=256)
def _compiled_update(table: Table, columns: tuple[str, ...], dialect: Dialect) -> Compiled:
    keys = tuple(KEY_PREFIX + column.key for column in table.primary_key.columns)
    return _compiled(table, _update_by_key(table), columns, columns + keys, dialect)


@lru_cache(maxsize=128)
def _update_by_key(table: Table):
    return update(table).where(and_(*(
        column == bindparam(KEY_PREFIX + column.key) for column in table.primary_key.columns)))


def _compiled(table: Table, statement, columns: tuple[str, ...], expected: tuple[str, ...],
              dialect: Dialect) -> Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    order = list(compiled.positiontup or [])
    if len(order) < 2 or sorted(order) != sorted(expected):
        # A column default or an unknown column (or a single value, which itemgetter would
        # not hand back as a tuple): not this path.
        raise ValueError(f"{table.name}: parameters {order} do not match the columns "
                         f"{sorted(expected)}")
    processors = tuple(
        (position, process) for position, name in enumerate(order)
        if (process := table.c[name.removeprefix(KEY_PREFIX) if name not in columns else name]
            .type.dialect_impl(dialect).bind_processor(dialect)))
    return compiled.string, itemgetter(*order), processors


# -- new rows ----------------------------------------------------------------------------------

def new_row(model: type[T], /, **values: Any) -> T:
    """``model(**values)`` for a new row, without the constructor's attribute events (some
    twenty per row, each with its bookkeeping): the values go straight into the instance's
    state, where the flush reads them to insert the row, as it would after the constructor. A
    seeded fill makes tens of thousands of orders, items and packages."""
    unknown = values.keys() - _attribute_keys(model)
    if unknown:
        raise TypeError(f"{sorted(unknown)[0]!r} is an invalid keyword argument for "
                        f"{model.__name__}")
    row = model.__mapper__.class_manager.new_instance()
    instance_state(row).dict.update(values)
    return row


@cache
def _attribute_keys(model: type) -> frozenset[str]:
    return frozenset(model.__mapper__.attrs.keys())


# -- the flush ---------------------------------------------------------------------------------

def write_changes(session: Session, _flush_context: UOWTransaction | None = None,
                  objects: Iterable[object] | None = None) -> None:
    """Write the changed columns of every modified persistent row, and mark them unchanged.

    A row this cannot write as it is (a primary key or a SQL expression assigned) is left to
    the flush. So is a flush of chosen ``objects``.
    """
    if objects is not None:
        return
    changes, written = [], []
    for obj in session.dirty:
        state = instance_state(obj)
        change = _change_of(state)
        if change is not None:
            changes.append(change)
            written.append(state)
    if not written:
        return
    update_changed(session.connection(), changes)
    # What the flush does to the rows it wrote: their values are now the stored ones.
    InstanceState._commit_all_states(((state, state.dict) for state in written),
                                     session.identity_map)


def _change_of(state: InstanceState) -> tuple[Table, dict[str, Any], tuple[str, ...]] | None:
    """The row's table, its values and its changed columns (none: set to what they were), as
    ``update_changed`` takes them; None for a row to leave to the flush."""
    if not state.persistent:
        return None
    mapper, values, before = state.mapper, state.dict, state.committed_state
    writable = _writable(mapper)
    if writable is None:
        return None
    table, is_equal = writable
    changed = []
    for key in before:
        equal = is_equal.get(key)
        if equal is None or key not in values:  # a key column, or not a plain column
            return None
        value = values[key]
        if isinstance(value, ClauseElement) or hasattr(value, "__clause_element__"):
            return None
        if equal(value, before[key]) is not True:
            changed.append(key)
    if any(column.key not in values for column in table.primary_key.columns):
        return None
    return table, values, tuple(sorted(changed))


@cache
def _writable(mapper: Mapper) -> tuple[Table, dict[str, Callable[[Any, Any], bool]]] | None:
    """A plain mapper's table, and for each attribute this may write (one column of that table,
    of the same name, not in the primary key) how the flush compares its values; None for a
    mapper whose rows are left to the flush."""
    table = mapper.local_table
    if (mapper.inherits is not None or not isinstance(table, Table)
            or mapper.version_id_col is not None
            or any(column.onupdate is not None or column.server_onupdate is not None
                   for column in table.columns)):
        return None  # what the flush adds to an update (a version, an onupdate) is its own
    manager = mapper.class_manager
    return table, {
        prop.key: manager[prop.key].impl.is_equal for prop in mapper.column_attrs
        if len(prop.columns) == 1 and prop.columns[0].key == prop.key
        and prop.columns[0].table is table and not prop.columns[0].primary_key}
