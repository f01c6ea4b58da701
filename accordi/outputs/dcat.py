"""The DCAT-AP_IT catalogue's graph (see `accordi.outputs.catalog`).

An Italian administration's datasets reach the national data catalogue and the European data
portal when those harvest a DCAT-AP_IT catalogue from a URL. This one describes one dataset
(every agreement, partner and thematic area) with a distribution per file under /data/: its
address, media type and EU file type, size, SHA-256 digest, licence and the schema it
conforms to, worked out from the very bytes published.

The graph is built with rdflib and written as Turtle and JSON-LD. Every node has an address
(fragments of catalog.ttl, or the EU vocabularies' own), none is blank, so that the same data
give the same bytes. What only the administration knows (IPA code, office, ISTAT code) comes
from site.yaml `catalogue`; what is missing is left out, and `build.py check` says so (see
`catalog.missing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ..history import Change
from ..i18n import strings, t
from ..output import Context, Facts, file_facts, whole
from ..records import Site
from ..routes import Router
from . import datapackage as datapackage_file
from . import opendata, sqlite
from .changed import DATA_SOURCES, first_published, last_changed

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LANGUAGES = {"it": "ITA", "en": "ENG"}  # EU language vocabulary
# Licences of the EU licence vocabulary, by SPDX identifier, with their ADMS licence type.
LICENCES = {"CC-BY-4.0": ("CC_BY_4_0", "Attribution"), "CC0-1.0": ("CC0", "PublicDomain"),
            "CC-BY-SA-4.0": ("CC_BYSA_4_0", "ShareAlike")}
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
RFC4180 = "https://www.rfc-editor.org/rfc/rfc4180"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
SQLITE_FORMAT = "https://www.sqlite.org/fileformat.html"
CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "dcatapit": str(DCATAPIT),
           "foaf": str(FOAF), "vcard": str(VCARD), "skos": str(SKOS), "spdx": str(SPDX),
           "locn": str(LOCN), "xsd": str(XSD)}


@dataclass(frozen=True)
class Kind:
    """A kind of file as catalogues name it: EU file type, IANA media type, and the standard
    it conforms to (None: the open data's own JSON Schema)."""

    file_type: str
    media_type: str
    standard: str | None


# The EU file-type list has no SQLite entry: BIN (binary data), with SQLite's own media type.
KINDS = {"CSV": Kind("CSV", "text/csv", RFC4180),
         "JSON": Kind("JSON", "application/json", None),
         "SQLite": Kind("BIN", "application/vnd.sqlite3", SQLITE_FORMAT),
         "JSON Schema": Kind("JSON", "application/json", JSON_SCHEMA),
         "Frictionless Data Package": Kind("JSON", "application/json",
                                           datapackage_file.TABULAR_DATA_PACKAGE)}


@dataclass(frozen=True)
class FileInfo:
    """A published file a distribution describes: name, kind, descriptions, its size and
    checksum."""

    name: str
    kind: Kind
    description: dict[str, str]
    facts: Facts


def files(ctx: Context) -> list[FileInfo]:
    """The files the distributions describe, made as their producers publish them."""
    site, router = ctx.site, ctx.router
    planned: dict[str, Callable[[Context], bytes]] = {}
    for produce in (opendata.plan, sqlite.plan, datapackage_file.plan):
        planned.update((f.path, f.make) for f in produce(site, router))
    langs = site.settings.languages
    described = {lg: opendata.catalogue(lg, opendata.tables(langs)) for lg in langs}
    out = []
    for i, entry in enumerate(described[langs[0]]):
        kind = KINDS.get(entry["format"])
        if kind is None:  # README.txt, and the catalogue itself
            continue
        name, path = entry["name"], router.file_output("data", entry["name"])
        out.append(FileInfo(name, kind, {lg: described[lg][i]["description"] for lg in langs},
                            file_facts(ctx, path, planned[path])))
    return out


class _Writer:
    """Adds the catalogue's statements to a graph, one kind of node at a time."""

    def __init__(self, site: Site, router: Router, files: list[FileInfo],
                 commits: list[Change]):
        self.site, self.router, self.files, self.commits = site, router, files, commits
        self.s = site.settings
        self.base = router.file_absolute("data", opendata.CATALOG_TTL) + "#"
        self.g = Graph(bind_namespaces="none")
        for prefix, ns in CONTEXT.items():
            self.g.bind(prefix, ns)

    def node(self, name: str) -> URIRef:
        return URIRef(self.base + name)

    def add(self, subject: URIRef, predicate: URIRef, *objects: Any) -> None:
        for o in objects:
            self.g.add((subject, predicate, o))

    def texts(self, subject: URIRef, predicate: URIRef, text: dict[str, str]) -> None:
        """One literal per language the site speaks; the source's where a text lacks one."""
        src = self.s.source_lang
        for lg in self.s.languages:
            self.add(subject, predicate, Literal(text.get(lg, text[src]), lang=lg))

    def typed(self, uri: str, *classes: URIRef) -> URIRef:
        node = URIRef(uri)
        self.add(node, RDF.type, *classes)
        return node

    def concept(self, uri: str, labels: dict[str, str], *classes: URIRef) -> URIRef:
        node = self.typed(uri, SKOS.Concept, *classes)
        self.texts(node, SKOS.prefLabel, labels)
        return node

    def localized(self, key: str, **values: Any) -> dict[str, str]:
        # a text given once (a proper name) is the source language's, for every language
        source = self.s.source_lang
        return {lg: t(lg, key, **{k: v.get(lg, v.get(source)) if isinstance(v, dict) else v
                                  for k, v in values.items()}) for lg in self.s.languages}


def _agent(w: _Writer) -> URIRef:
    owner = w.typed(w.base + "publisher", DCATAPIT.Agent, FOAF.Agent)
    w.texts(owner, FOAF.name, w.s.owner_name)
    if w.s.catalogue.get("ipa"):
        w.add(owner, DCTERMS.identifier, Literal(w.s.catalogue["ipa"]))
    return owner


def _contact(w: _Writer) -> URIRef | None:
    c, contact = w.s.catalogue, w.s.contact
    email, office = c.get("email") or contact.get("email"), c.get("office") or contact.get("name")
    if not (email or office):
        return None
    node = w.typed(w.base + "contact", DCATAPIT.Organization, VCARD.Organization, VCARD.Kind)
    if office:
        w.texts(node, VCARD.fn, office)
    if email:
        w.add(node, VCARD.hasEmail, URIRef(f"mailto:{email}"))
    return node


def _licence(w: _Writer) -> URIRef:
    lic = w.s.licence
    known = LICENCES.get(lic["id"])
    node = w.typed(f"{EU}licence/{known[0]}" if known else lic["url"],
                   DCATAPIT.LicenseDocument, DCTERMS.LicenseDocument)
    w.texts(node, FOAF.name, lic["name"])
    if known:
        kind = w.typed(ADMS_LICENCE_TYPE + known[1], SKOS.Concept)
        w.add(kind, SKOS.prefLabel, Literal(known[1], lang="en"))
        w.add(node, DCTERMS.type, kind)
        w.add(node, FOAF.page, w.typed(lic["url"], FOAF.Document))
    return node


def _distribution(w: _Writer, f: FileInfo, licence: URIRef) -> URIRef:
    stem = f.name.replace(".", "-")
    node = w.typed(w.base + f"distribution-{stem}", DCATAPIT.Distribution, DCAT.Distribution)
    url = w.typed(w.router.file_absolute("data", f.name), RDFS.Resource)
    w.texts(node, DCTERMS.title, {lg: f.name for lg in w.s.languages})
    w.texts(node, DCTERMS.description, f.description)
    w.add(node, DCAT.accessURL, url)
    w.add(node, DCAT.downloadURL, url)
    w.add(node, DCAT.mediaType, w.typed(IANA + f.kind.media_type, DCTERMS.MediaType))
    w.add(node, DCTERMS.format, w.typed(f"{EU}file-type/{f.kind.file_type}",
                                        DCTERMS.MediaTypeOrExtent))
    w.add(node, DCAT.byteSize, Literal(f.facts.size, datatype=XSD.nonNegativeInteger))
    checksum = w.typed(w.base + f"checksum-{stem}", SPDX.Checksum)
    w.add(checksum, SPDX.algorithm, w.typed(str(SPDX.checksumAlgorithm_sha256),
                                            SPDX.ChecksumAlgorithm))
    w.add(checksum, SPDX.checksumValue, Literal(f.facts.sha256,
                                                datatype=XSD.hexBinary))
    w.add(node, SPDX.checksum, checksum)
    w.add(node, DCTERMS.license, licence)
    standards = [f.kind.standard or w.router.file_absolute("data", "opendata.schema.json")]
    if f.kind.file_type == "CSV":  # and the Table Schema of its resource
        standards.append(w.router.file_absolute("data", opendata.DATAPACKAGE))
    for standard in standards:
        w.add(node, DCTERMS.conformsTo, w.typed(standard, DCTERMS.Standard, DCATAPIT.Standard))
    return node


def _themes(w: _Writer) -> URIRef:
    """The site's thematic areas as a concept scheme, each at its page's address."""
    scheme = w.typed(w.base + "themes", SKOS.ConceptScheme)
    w.texts(scheme, DCTERMS.title, w.localized("catalogue_themes"))
    for th in w.site.themes.values():
        concept = w.concept(w.router.absolute_url("theme", w.s.source_lang, th.id), th.name)
        w.add(concept, SKOS.inScheme, scheme)
    return scheme


def _dataset(w: _Writer, owner: URIRef) -> URIRef:
    s, r, site = w.s, w.router, w.site
    ds = w.typed(w.base + "dataset", DCATAPIT.Dataset, DCAT.Dataset)
    if s.catalogue.get("ipa"):
        local = s.catalogue.get("dataset", "accordi")
        w.add(ds, DCTERMS.identifier, Literal(f"{s.catalogue['ipa']}:{local}"))
    w.texts(ds, DCTERMS.title, w.localized("catalogue_dataset_title", title=s.title,
                                           owner=s.owner_name))
    w.texts(ds, DCTERMS.description, w.localized("catalogue_dataset_description",
                                                 title=s.title, owner=s.owner_name))
    w.add(ds, DCTERMS.publisher, owner)
    w.add(ds, DCTERMS.rightsHolder, owner)
    contact = _contact(w)
    if contact is not None:
        w.add(ds, DCAT.contactPoint, contact)
    w.add(ds, DCAT.theme, w.concept(f"{EU}data-theme/GOVE", w.localized("catalogue_gove")))
    w.add(ds, DCTERMS.subject, *(URIRef(r.absolute_url("theme", s.source_lang, th))
                                 for th in site.themes))
    for lg in s.languages:
        words = strings(lg)["catalogue_keywords"] + [th.name.get(lg, th.name[s.source_lang])
                                                      for th in site.themes.values()]
        w.add(ds, DCAT.keyword, *(Literal(k, lang=lg) for k in dict.fromkeys(words)))
    w.add(ds, DCTERMS.accrualPeriodicity, w.typed(
        f"{EU}frequency/{s.catalogue.get('frequency', 'IRREG')}", DCTERMS.Frequency))
    _dates(w, ds)
    _coverage(w, ds)
    for lg in s.languages:
        w.add(ds, DCTERMS.language, w.typed(f"{EU}language/{LANGUAGES[lg]}",
                                            DCTERMS.LinguisticSystem))
        w.add(ds, DCAT.landingPage, w.typed(r.absolute_url("opendata", lg), FOAF.Document))
    w.add(ds, FOAF.page, w.typed(r.file_absolute("data", opendata.README), FOAF.Document))
    licence = _licence(w)
    w.add(ds, DCAT.distribution, *(_distribution(w, f, licence) for f in w.files))
    return ds


def _dates(w: _Writer, node: URIRef) -> None:
    changed, issued = last_changed(w.site, w.commits), first_published(w.commits)
    if changed is not None:
        w.add(node, DCTERMS.modified, Literal(changed.isoformat(), datatype=XSD.date))
    if issued is not None:
        w.add(node, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date))


def _coverage(w: _Writer, ds: URIRef) -> None:
    """From the first signing to the last, and the place the data are about."""
    signed = [a.signed for a in w.site.agreements.values() if a.signed is not None]
    if signed:
        period = w.typed(w.base + "temporal", DCTERMS.PeriodOfTime)
        start = min(d.earliest for d in signed).isoformat()
        end = max(d.latest for d in signed).isoformat()
        for p, v in ((DCAT.startDate, start), (DCATAPIT.startDate, start),
                     (DCAT.endDate, end), (DCATAPIT.endDate, end)):
            w.add(period, p, Literal(v, datatype=XSD.date))
        w.add(ds, DCTERMS.temporal, period)
    place = _place(w)
    if place is not None:
        w.add(ds, DCTERMS.spatial, place)


def _place(w: _Writer) -> URIRef | None:
    """The municipality the data are about, by its ISTAT code."""
    istat = w.s.catalogue.get("istat")
    if not istat:
        return None
    place = w.typed(w.base + "spatial", DCTERMS.Location)
    w.add(place, DCATAPIT.geographicalIdentifier, Literal(istat))
    return place


def graph(site: Site, router: Router, files: list[FileInfo], commits: list[Change]) -> Graph:
    """The whole catalogue: the catalogue, its one dataset and its distributions."""
    w = _Writer(site, router, files, commits)
    s = site.settings
    owner = _agent(w)
    themes = _themes(w)
    catalog = w.typed(w.base + "catalog", DCATAPIT.Catalog, DCAT.Catalog)
    w.texts(catalog, DCTERMS.title, w.localized("catalogue_title", title=s.title))
    w.texts(catalog, DCTERMS.description, w.localized("catalogue_description", title=s.title,
                                                      owner=s.owner_name))
    w.add(catalog, DCTERMS.publisher, owner)
    w.add(catalog, FOAF.homepage, w.typed(s.base_url, FOAF.Document))
    _dates(w, catalog)
    w.add(catalog, DCTERMS.license, _licence(w))
    if (place := _place(w)) is not None:
        w.add(catalog, DCTERMS.spatial, place)
    for lg in s.languages:
        w.add(catalog, DCTERMS.language, URIRef(f"{EU}language/{LANGUAGES[lg]}"))
    eu_themes = w.typed(f"{EU}data-theme", SKOS.ConceptScheme)
    w.add(eu_themes, DCTERMS.title, Literal("Data theme", lang="en"))
    w.add(catalog, DCAT.themeTaxonomy, eu_themes, themes)
    w.add(catalog, DCAT.dataset, _dataset(w, owner))
    return w.g


def turtle(g: Graph) -> bytes:
    """Turtle, subjects and statements in rdflib's sorted order."""
    return g.serialize(format="turtle", encoding="utf-8")


def _sorted(value: Any) -> Any:
    """JSON-LD with every list of values in one order (no list here is an ordered rdf:List)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: orjson.dumps(
            v, option=orjson.OPT_SORT_KEYS))
    return value


def jsonld(g: Graph) -> bytes:
    """Compact JSON-LD with the prefixes of CONTEXT, in a stable order."""
    data = orjson.loads(g.serialize(format="json-ld", context=CONTEXT, encoding="utf-8"))
    return opendata.to_json(_sorted(data))


def made(ctx: Context) -> Graph:
    """The catalogue's graph, made once for both files."""
    return ctx.session.remember(whole("catalog"), "graph", lambda: graph(
        ctx.site, ctx.router, files(ctx), ctx.history_under(DATA_SOURCES)))
