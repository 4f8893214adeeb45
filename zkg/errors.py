"""The errors of the query layer: one base class, one line each, always with what to do."""

from __future__ import annotations

__all__ = ["StoreError", "QuerySyntaxError", "UpdateRefused", "ServiceRefused", "ParameterError",
           "EndpointError", "QueryTimeout", "QueryInterrupted", "NameNotFound", "AmbiguousName"]


class StoreError(Exception):
    """Any failure of the query layer; the message is one line and says what to do."""


class QuerySyntaxError(StoreError):
    """The text is not one SPARQL query (the message gives line and column)."""


class UpdateRefused(StoreError):
    """The text is a SPARQL update; the query layer is read-only."""


class ServiceRefused(StoreError):
    """The query has a SERVICE clause, which would make the engine fetch from another server."""


class ParameterError(StoreError):
    """A parameter cannot be bound (unknown to the query, wrong type, invalid IRI)."""


class EndpointError(StoreError):
    """The SPARQL server is down, slow, or answered with an error or something other than JSON."""


class QueryTimeout(StoreError):
    """The query did not finish within its time limit."""


class QueryInterrupted(StoreError):
    """The user pressed Ctrl-C while the query ran."""


class NameNotFound(StoreError):
    """No thing in the graph has this name (the message gives the closest names)."""


class AmbiguousName(StoreError):
    """More than one thing has this name (the message lists them with their class)."""
