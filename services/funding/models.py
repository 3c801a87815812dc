"""The funding service's tables."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import TYPE_ANNOTATION_MAP, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP
