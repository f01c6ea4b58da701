"""Files besides HTML pages: feeds, sitemap, robots.txt, open data, the database, and the
files published as they are. One module per kind of file; each `plan`s its outputs (see
`accordi.output`), and the build's spine (`accordi.build`) lists them all."""
