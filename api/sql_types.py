"""Names for SQLAlchemy statements and rows whose columns vary (built up by the caller,
or shared by builders of different shapes). SQLAlchemy 2.1 types them by their columns;
these are "any columns"."""

from typing import Any

from sqlalchemy import CompoundSelect, Row, Select

AnySelect = Select[*tuple[Any, ...]]
AnyCompoundSelect = CompoundSelect[*tuple[Any, ...]]
AnyRow = Row[*tuple[Any, ...]]
