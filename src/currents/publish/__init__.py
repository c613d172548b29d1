"""The publish stage: the portal's pages, as a static site or (through `currents.web`) live.

`context` builds one context per page from the store; `site` renders them
with the templates in `templates/` and writes the static site; `export` writes
JSON Lines. The live server renders the very same contexts and templates.
"""
