"""Machine-readable records in pages: schema.org JSON-LD for agreements and partners.

Search engines and citation tools read an agreement as a `Legislation`: its type, date of
signing at the source's precision, identifier and legal force. Legal force is only claimed
when the status says it (in force, or not: expired, replaced, not yet in force, suspended,
terminated); a renewed or unknown agreement says nothing rather than guess, and one whose
date of signing no source gives has no `legislationDate`. A partner is a place or an
organisation, with its names in its own languages and scripts as `alternateName`.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .i18n import Local, localize, localize_required, t
from .records import Agreement, Partner, Site
from .routes import Router

SCHEMA_ORG = "https://schema.org"
LEGAL_FORCE = {True: f"{SCHEMA_ORG}/InForce", False: f"{SCHEMA_ORG}/NotInForce"}


def legislation(site: Site, router: Router, a: Agreement, lang: str) -> dict[str, Any]:
    """The schema.org record of an agreement as shown in `lang`."""
    s = site.settings
    st = a.status
    assert st is not None
    source = s.source_lang
    # The language of the record as shown: the page's when translated, else the source's.
    shown = lang if lang == source or lang in a.translations else source
    title = localize_required(a.title, shown, source)
    obj = localize_required(a.object, shown, source)
    url = router.absolute_url("agreement", lang, a.id)
    owner = localize_required(s.owner_name, lang, source)
    record: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "identifier": a.id,
        "legislationIdentifier": a.id,
        "name": title.text,
        "inLanguage": shown,
        "description": _in(obj, shown),
        "legislationType": t(lang, f"type_{a.type}"),
        # No date rather than a made-up one.
        **({"legislationDate": a.signed.iso()} if a.signed is not None else {}),
        "license": s.licence["url"],
        "isPartOf": {"@type": "WebSite", "name": localize_required(s.title, lang, source).text,
                     "url": s.base_url},
        "publisher": {"@type": "GovernmentOrganization", "name": owner.text},
        "about": [{"@type": "Thing",
                   "name": localize_required(site.themes[th].name, lang, source).text,
                   "url": router.absolute_url("theme", lang, th)} for th in a.themes],
        "encoding": {"@type": "MediaObject", "encodingFormat": "application/json",
                     "contentUrl": router.file_absolute("agreement_data", a.id)},
    }
    if st.in_force is not None:
        record["legislationLegalForce"] = LEGAL_FORCE[st.in_force]
    if lang != source:
        if lang in a.translations:
            record["translationOfWork"] = {"@id": router.absolute_url("agreement", source, a.id)}
    else:
        record["workTranslation"] = [{"@id": router.absolute_url("agreement", lg, a.id)}
                                     for lg in s.languages if lg in a.translations]
        if not record["workTranslation"]:
            del record["workTranslation"]
    return record


# schema.org types of the kinds of partner.
PARTNER_TYPES = {"city": "City", "region": "AdministrativeArea", "country": "Country",
                 "university": "CollegeOrUniversity", "institution": "Organization",
                 "organisation": "Organization"}


def partner_thing(site: Site, router: Router, p: Partner, lang: str) -> dict[str, Any]:
    """The schema.org record of a partner as its page shows it in `lang`: its names in
    its own languages are `alternateName`, each tagged with its language."""
    source = site.settings.source_lang
    name = localize_required(p.name, lang, source)
    url = router.absolute_url("partner", lang, p.id)
    record: dict[str, Any] = {
        "@context": SCHEMA_ORG, "@type": PARTNER_TYPES[p.kind], "@id": url, "url": url,
        "identifier": p.id, "name": _in(name, lang),
    }
    if p.name_local:
        record["alternateName"] = [{"@value": n.text, "@language": n.lang}
                                   for n in p.name_local]
    description = localize(p.description, lang, source)
    if description is not None:
        record["description"] = _in(description, lang)
    record["address"] = {"@type": "PostalAddress", "addressCountry": p.country}
    if p.location is not None and p.kind == "city":
        record["geo"] = {"@type": "GeoCoordinates", "latitude": p.location[0],
                         "longitude": p.location[1]}
    return record


def _in(text: Local, lang: str) -> str | dict[str, str]:
    """A text, tagged with its language when it differs from the record's."""
    return text.text if text.lang == lang else {"@value": text.text, "@language": text.lang}


def script_body(data: dict[str, Any]) -> Markup:
    """JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` escaped, so no
    text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
