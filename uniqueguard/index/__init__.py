"""The project index: what uniqueguard knows about a whole project, built from per-module facts.

Module facts (`facts`, cached on disk by `cache`) are plain data read from one file's source; the
`project` index puts them together per project root: which modules exist (`discovery`), which classes
are models and what their unique sets are (`uniqueness`), which forms and serializers validate what
(`validation`), signal receivers and settings. Nothing here looks at the file being linted.
"""
