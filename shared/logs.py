"""JSON logs, one object a line, with the request or event id and the trace and span ids.

structlog's own lines and the standard library's (uvicorn, alembic, aiokafka, SQLAlchemy) go
through the same processors and the same renderer: nothing reaches stdout as plain text.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from shared import tracing

# The request middleware's logger: at INFO whatever the process's level, so the standalone
# platform (which runs at WARNING) still shows every request.
REQUESTS = "llr.requests"
# uvicorn's access line repeats what the request middleware logs, with the query string.
QUIET = {"uvicorn.access": "WARNING", "aiokafka": "WARNING"}


def add_trace_ids(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    for key, value in tracing.current_ids().items():
        event.setdefault(key, value)
    return event


def drop_colour(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    return event


SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    add_trace_ids,
]


def configure(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.stdlib.BoundLogger,
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """The standard library's configuration: also handed to uvicorn as its `log_config`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(),
                ],
                "foreign_pre_chain": [*SHARED, structlog.stdlib.ExtraAdder(), drop_colour],
            }
        },
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": sys.stdout}
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            name: {"handlers": [], "level": quiet, "propagate": True}
            for name, quiet in {
                "uvicorn": level,
                "uvicorn.error": level,
                "alembic": level,
                **QUIET,
                REQUESTS: min(logging.getLevelNamesMapping()[level.upper()], logging.INFO),
            }.items()
        },
    }
