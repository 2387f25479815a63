"""Drafting: config schema, template packs, template API, density plan, phrase chooser, composition."""
