"""Helpers the tests share: none of these modules holds a test.

`mutations` (the seeded-defect library), `jena` (Apache Jena's SHACL as a second
opinion), `serving` (a `probkg serve` process and a canary server), `chromium`
(Debian's browser, headless), `exportcheck` (reading exports back) and
`probkg_run` (the CLI in a fresh process).
"""
