"""The web editor (Decap CMS) under /admin/: its configuration made from the content schema
(`config.py`, `fields.py`, with the Italian words of `words.it.yaml`), its files
(`files.py`, the scripts in `admin/`, the libraries in `vendor/`) and, for the live preview,
its local backend (`local.py`)."""
