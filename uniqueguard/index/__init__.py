"""The project index: what uniqueguard knows about a whole project, built from per-module facts.

Module facts (`facts`, cached on disk by `cache`) are plain data read from one file's source; the
`project` index puts them together per project root, a façade over one module per job: which modules
exist and what their classes are (`modules`, walking with `discovery`), the settings and app labels
(`django_settings`), which classes are models, their unique sets and relations (`registry`, built by
`uniqueness`), and post_save receivers (`signal_receivers`); `validation` reads which forms and
serializers validate what. Nothing here looks at the file being linted.
"""
