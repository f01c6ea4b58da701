"""The DCAT-AP_IT catalogue of the open data: /data/catalog.ttl and /data/catalog.jsonld.

The files are planned here and their graph is made in `accordi.outputs.dcat`, imported
only when a build makes them: rdflib takes a good part of the command line's start to
import (docs/performance.md), and a build that finds its catalogue unchanged never needs
it. What the catalogue leaves out for want of site.yaml `catalogue` fields is worked out
here, for `build.py check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..output import Context, Output
from ..records import Site
from ..routes import Router
from . import opendata


@dataclass(frozen=True)
class Missing:
    """A field of site.yaml `catalogue` that is not there, and what the catalogue lacks."""

    field: str
    lacks: str
    example: str


def missing(site: Site) -> list[Missing]:
    """What the catalogue leaves out for want of site.yaml `catalogue` fields."""
    c, contact = site.settings.catalogue, site.settings.contact
    out = []
    if not c.get("ipa"):
        out.append(Missing("ipa", "the identifier of the publisher and of the dataset, which "
                           "DCAT-AP_IT requires", "ipa: c_x000"))
    if not (c.get("email") or contact.get("email")):
        out.append(Missing("email", "a contact point for the dataset",
                           "email: opendata@example.org"))
    if not (c.get("office") or contact.get("name")):
        out.append(Missing("office", "the name of the dataset's contact point",
                           "office: {it: Ufficio open data, en: Open data office}"))
    if not c.get("istat"):
        out.append(Missing("istat", "the spatial coverage of the dataset",
                           'istat: "000000"'))
    return out


def plan(site: Site, router: Router) -> Iterable[Output]:
    """catalog.ttl and catalog.jsonld: one graph, written twice."""
    yield Output(router.file_output("data", opendata.CATALOG_TTL), _turtle, "data")
    yield Output(router.file_output("data", opendata.CATALOG_JSONLD), _jsonld, "data")


def _turtle(ctx: Context) -> bytes:
    from . import dcat
    return dcat.turtle(dcat.made(ctx))


def _jsonld(ctx: Context) -> bytes:
    from . import dcat
    return dcat.jsonld(dcat.made(ctx))
