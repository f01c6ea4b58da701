"""Pictures drawn at build time as inline SVG: the map of partner cities and the timeline.

Pure functions from the Site (and a language and the router) to SVG text; no script and no
request at view time, and every picture has a text equivalent on the same page.
"""
